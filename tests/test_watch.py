"""`build --watch`: rebuilds on a change, prints a spec error and goes on, ends on Ctrl-C."""

import json
import os
import queue
import signal
import threading
import time
from pathlib import Path

from generator.watch import _relevant, watched_folders
from helpers import start_cli

GOOD = "title: T\nquestions:\n  - {id: q1, kind: convolution, input: [1, 2, 3], kernel: [%s]}\n"


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))


def _wait_for(lines: queue.Queue, text: str, timeout: float = 60) -> list[str]:
    seen, end = [], time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r} within {timeout} s; saw {seen}")


def test_watch_rebuilds_reports_errors_and_stops_on_ctrl_c(tmp_path):
    spec = tmp_path / "course" / "a1.yaml"
    spec.parent.mkdir()
    spec.write_text(GOOD % "1, 0", encoding="utf-8")
    out = tmp_path / "course" / "output"  # inside the watched folder: its writes are ignored
    process = start_cli("build", spec, "-o", out, "--to", "json", "--watch")
    lines: queue.Queue = queue.Queue()
    for stream in (process.stdout, process.stderr):
        threading.Thread(target=_reader, args=(stream, lines), daemon=True).start()
    try:
        _wait_for(lines, "watching")
        answers = out / "a1" / "answers.json"
        assert json.loads(answers.read_text())["questions"]["q1"]["answers"]["full"] == [
            1, 2, 3, 0]
        time.sleep(0.5)
        spec.write_text(GOOD % "2, 0", encoding="utf-8")
        _wait_for(lines, "built ")
        assert json.loads(answers.read_text())["questions"]["q1"]["answers"]["full"] == [
            2, 4, 6, 0]
        spec.write_text(GOOD % "2, zero", encoding="utf-8")
        seen = _wait_for(lines, "expected a number")  # stderr and stdout come in any order
        seen += _wait_for(lines, "not built") if not any("not built" in x for x in seen) else []
        assert any("a1.yaml:3:" in line and "expected a number" in line for line in seen)
        assert process.poll() is None  # a spec error does not end the watch
        assert json.loads(answers.read_text())["questions"]["q1"]["answers"]["full"] == [
            2, 4, 6, 0]  # the previous output is kept
        spec.write_text(GOOD % "3", encoding="utf-8")
        _wait_for(lines, "built ")
        assert json.loads(answers.read_text())["questions"]["q1"]["answers"]["full"] == [
            3, 6, 9]
    finally:
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 130


def test_output_hidden_and_temporary_files_do_not_trigger_a_rebuild(tmp_path):
    roots, output = [tmp_path], tmp_path / "output"
    assert _relevant(tmp_path / "a1.yaml", output, roots)
    assert _relevant(tmp_path / "style" / "preamble.tex", output, roots)
    for path in (output / "a1" / "answers.json", tmp_path / ".git" / "index",
                 tmp_path / ".a1.yaml.swp", tmp_path / "a1.yaml~", tmp_path / "#a1.yaml#"):
        assert not _relevant(path, output, roots), path


def test_watch_is_an_option_of_build_only():
    process = start_cli("check", Path("specs/ift6135-a1.yaml"), "--watch")
    assert process.wait(timeout=30) == 2
    assert "--watch" in process.stderr.read()


def test_the_course_folder_of_a_project_file_is_watched_too(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "answerkey.yaml").write_text("style: {header: H}\n")
    (tmp_path / "term" / "week1").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    specs = [tmp_path / "term" / "week1" / "a1.yaml", tmp_path / "other" / "a2.yaml"]
    assert watched_folders(map(str, specs)) == [tmp_path.resolve()]
    (tmp_path / "answerkey.yaml").unlink()
    assert watched_folders(map(str, specs)) == sorted(
        [(tmp_path / "other").resolve(), (tmp_path / "term" / "week1").resolve()])
