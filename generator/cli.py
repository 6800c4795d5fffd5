"""Command line: argument parsing and exit codes only (the work is in build.py)."""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import signal
import sys
import traceback
import warnings
from pathlib import Path

from . import FORMATS, __version__
from .errors import AnswerkeyError, Problem, SpecError, printable

EXIT_OK, EXIT_BUILD, EXIT_INPUT = 0, 1, 2

# Our arrays are tiny: BLAS threads would only cost start-up (~0.15 s of CPU when NumPy is
# imported) and compete with the figure and variant worker processes. A user's setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `answerkey: ...`, exit 2, and no usage block, except
    for `answerkey` without a command, which shows the usage (the commands) as a help."""

    def error(self, message: str):
        if self.prog == "answerkey" and "required: COMMAND" in message:
            super().error(message)
        command = self.prog.removeprefix("answerkey").strip()
        hint = f"`answerkey {command} --help`" if command else "`answerkey --help`"
        self.exit(EXIT_INPUT, f"answerkey: {printable(message)} ({hint} shows the usage)\n")


def parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="answerkey", description="Verified answer keys (PDF, HTML, JSON) from YAML specs.")
    parser.add_argument("--version", action="version", version=f"answerkey {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_set(p):
        p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="override one spec value, VALUE parsed as YAML (q4.at.x1=2)")

    def with_outputs(p):  # what build and variants write, and whether the cache may serve it
        p.add_argument("--to", default=",".join(FORMATS), metavar="FORMATS",
                       help=f"comma-separated subset of {','.join(FORMATS)} (default: all)")
        p.add_argument("--force", action="store_true",
                       help="rebuild everything, ignoring the cache")

    b = sub.add_parser("build", help="build the answer key and handout of each spec")
    b.add_argument("specs", nargs="*", metavar="SPEC", help="spec files (default: specs/*.yaml)")
    b.add_argument("-o", "--output", default="output", metavar="DIR",
                   help="output root; each spec goes to DIR/<spec-stem>/ (default: output)")
    with_outputs(b)
    with_set(b)
    b.add_argument("--watch", action="store_true",
                   help="build, then rebuild whenever a spec, a file beside it or one of "
                        "its course folder changes (errors are printed and the watch goes on; "
                        "Ctrl-C stops)")
    s = sub.add_parser("solve", help="print the answers JSON of a spec (no rendering, no TeX)")
    s.add_argument("spec", metavar="SPEC")
    with_set(s)
    c = sub.add_parser("check", help="validate specs and print every problem; builds nothing")
    c.add_argument("specs", nargs="+", metavar="SPEC")
    v = sub.add_parser("variants", help="one key and handout per variant or per student")
    v.add_argument("spec", metavar="SPEC")
    v.add_argument("-n", type=int, metavar="N", help="number of variants (not with --roster)")
    v.add_argument("--seed", type=int, metavar="S", help="overrides the spec's seed")
    v.add_argument("-j", "--jobs", type=int, metavar="JOBS",
                   help="processes at work at once: variants side by side, spare ones to "
                        "each variant's LaTeX and figures (default: the number of cores)")
    v.add_argument("-o", "--output", default="output", metavar="DIR",
                   help="output root; variants go to DIR/<spec-stem>/variants/ (default: output)")
    v.add_argument("--roster", metavar="CSV", help="one variant per student id (column `id`)")
    v.add_argument("--cluster", metavar="ADDRESS",
                   help="build the variants on the workers of the Dask scheduler at ADDRESS "
                        "(tcp://host:8786; not with -j), which must share the spec's and the "
                        "output's file system; needs answerkey[cluster]")
    with_outputs(v)
    with_set(v)
    k = sub.add_parser("kinds", help="list the question kinds; with KIND, its keys")
    k.add_argument("kind", nargs="?", metavar="KIND",
                   help="show this kind's keys: types, defaults and docs")
    n = sub.add_parser("new", help="write a commented starter spec that checks and builds")
    n.add_argument("file", metavar="FILE", help="the spec to write (refused if it exists)")
    n.add_argument("--kinds", metavar="KINDS",
                   help="comma-separated kinds, one question each (default: every kind)")
    n.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    sub.add_parser("schema", help="print the JSON Schema of the spec format (for editors, CI)")
    return parser


def commands() -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser, by name (the manual documents their options)."""
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _known_kinds(names: list[str], prefix: str = "") -> None:
    """A usage error naming the first unknown kind, with a close match and every kind."""
    from .kinds import KINDS, unknown_kind

    for name in names:
        if name not in KINDS:
            raise SpecError([Problem.usage(prefix + unknown_kind(name))])


def _formats(text: str) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise SpecError([Problem.usage(f"--to: unknown format '{bad[0] if bad else text}'; "
                                       f"choose from {','.join(FORMATS)}")])
    return wanted


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command; errors propagate as AnswerkeyError."""
    if args.command == "kinds":
        from .kinds import KINDS
        from .reference import kind_text

        if args.kind is not None:
            _known_kinds([args.kind])
            _print_out(kind_text(args.kind))
            return EXIT_OK
        width = max(map(len, KINDS))
        for name, module in sorted(KINDS.items()):
            print(f"{name:<{width}}  {module.SUMMARY}")
        return EXIT_OK
    if args.command == "new":
        from .kinds import KINDS
        from .starter import write_starter

        kinds = (list(dict.fromkeys(k.strip() for k in args.kinds.split(",") if k.strip()))
                 if args.kinds is not None else list(KINDS))
        if not kinds:
            raise SpecError([Problem.usage("--kinds: give at least one kind")])
        _known_kinds(kinds, "--kinds: ")
        for path in write_starter(Path(args.file), kinds, args.force):
            print(f"wrote {path}")
        print(f"next: answerkey check {args.file}, then answerkey build {args.file}")
        return EXIT_OK
    if args.command == "schema":
        from .spec_schema import schema_text

        _print_out(schema_text())
        return EXIT_OK
    if args.command == "check":
        from .solve import check_specs

        for spec in check_specs(args.specs):
            count = len(spec.questions)
            print(f"{spec.source}: ok ({count} question{'s' * (count != 1)} solved and "
                  "verified)")
        return EXIT_OK
    if args.command == "solve":
        from .answers import render_json
        from .solve import load_specs, solve_spec

        spec = load_specs([args.spec], args.set)[0]
        _print_out(render_json(spec, solve_spec(spec)))
        return EXIT_OK
    if args.command == "build":
        from .outdir import check_stems

        formats = _formats(args.to)
        specs = args.specs or sorted(glob.glob("specs/*.yaml"))
        if not specs:
            raise SpecError([Problem.usage("no SPEC given and no specs/*.yaml here")])
        check_stems(specs)
        if not args.watch:
            _build(specs, Path(args.output), formats, args.set, args.force)
            return EXIT_OK
        from .watch import watch

        forced = [args.force]  # --force applies to the first build only

        def once() -> None:
            _build(specs, Path(args.output), formats, args.set, forced.pop() if forced else False)

        return watch(specs, Path(args.output), once, lambda exc: report(exc, args.debug))
    if args.command == "variants":
        from .variants import make_variants

        if (args.n is None) == (args.roster is None):
            raise SpecError([Problem.usage("variants needs either -n N or --roster CSV")])
        if args.n is not None and not 1 <= args.n <= 100_000:
            raise SpecError([Problem.usage(f"-n must be between 1 and 100000, got {args.n}")])
        if args.jobs is not None and args.jobs < 1:
            raise SpecError([Problem.usage(f"-j must be at least 1, got {args.jobs}")])
        if args.jobs is not None and args.cluster is not None:
            raise SpecError([Problem.usage("-j and --cluster do not go together: on a cluster, "
                                           "each Dask worker process builds one variant at a "
                                           "time")])
        make_variants(args.spec, args.n, Path(args.output), args.jobs, args.seed,
                      Path(args.roster) if args.roster else None, args.set,
                      _formats(args.to), args.force, cluster=args.cluster)
        return EXIT_OK
    raise AssertionError(args.command)  # argparse only allows the commands above


def _build(specs: list[str], output: Path, formats: tuple, overrides, force: bool) -> None:
    """One `build` of the specs, a line per spec: built, or up to date."""
    from .cache import quick_up_to_date

    targets = [output / Path(s).stem for s in specs]
    if not force and all(quick_up_to_date(s, t, overrides, formats)
                         for s, t in zip(specs, targets)):
        for target in targets:  # nothing to do: not even the solvers are imported
            print(f"{target}/ is up to date (--force rebuilds it)", flush=True)
        return
    from .build import build

    for outcome in build(specs, output, formats, overrides, force):
        if outcome.up_to_date:
            print(f"{outcome.folder}/ is up to date (--force rebuilds it)", flush=True)
        else:
            kept = f"; kept from before: {', '.join(outcome.kept)}" if outcome.kept else ""
            print(f"built {outcome.folder}/ ({', '.join(formats)}; "
                  f"{outcome.documents_compiled} PDF(s) compiled, "
                  f"{outcome.figures_drawn} figure(s) drawn{kept})", flush=True)


def _print_out(text: str) -> None:
    """Write the result to stdout; a closed, full or broken stdout is one error line."""
    if sys.stdout is None:
        raise AnswerkeyError("cannot write the answers: standard output is closed")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        # Python would report the failure again when it flushes at exit: point the
        # descriptor at /dev/null, so that nothing more is attempted.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = getattr(exc, "strerror", None) or str(exc)
        raise AnswerkeyError(f"cannot write the answers to standard output: {reason}") from None


def _located_warnings(default):
    """A `showwarning` that prints a spec's located warning as it is (one line on stderr:
    'path:line:col: field: warning: ...') and any other warning as `default` does."""
    def show(message, category, *rest) -> None:
        if getattr(category, "located", False):
            print(message, file=sys.stderr)
        else:
            default(message, category, *rest)
    return show


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `answerkey` console script."""
    args = parser().parse_args(argv)
    # SIGTERM and SIGHUP (the terminal closed) unwind like Ctrl-C, so temporary folders are
    # removed and output stays intact; a hangup ignored from the start (nohup) stays ignored.
    global _main_pid
    _main_pid = os.getpid()
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _interrupt)
    with warnings.catch_warnings():
        warnings.showwarning = _located_warnings(warnings.showwarning)
        return _main(args)


_main_pid = 0


def _interrupt(signum, frame) -> None:
    """SIGTERM or SIGHUP: unwind like Ctrl-C. A forked worker inherits this handler; a hangup
    of the whole process group is its parent's to handle, as Ctrl-C is."""
    if os.getpid() != _main_pid:
        return
    raise KeyboardInterrupt()


def report(exc: AnswerkeyError | OSError, debug: bool = False) -> int:
    """Print an error of the input or the environment as every command does (`build`, a
    watch's rebuild); its exit code."""
    if isinstance(exc, SpecError):
        for problem in exc.problems:
            print(problem, file=sys.stderr, flush=True)
        code = EXIT_INPUT
    elif isinstance(exc, AnswerkeyError):
        print(f"error: {exc}", file=sys.stderr, flush=True)
        code = exc.exit_code
    else:  # the environment (a full disk, a closed stream), not a bug
        from .outdir import environment_error

        print(f"error: {environment_error(exc, 'cannot go on')}", file=sys.stderr, flush=True)
        code = EXIT_BUILD
    if debug:
        traceback.print_exception(exc)
    return code


def _main(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except (AnswerkeyError, OSError) as exc:
        return report(exc, args.debug)
    except KeyboardInterrupt as exc:
        detail = f" ({exc})" if str(exc) else ""
        with contextlib.suppress(OSError, ValueError):  # after a hangup the terminal is gone
            print(f"interrupted{detail}: no output is half-written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in answerkey, not in the user's input
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (a bug in answerkey; "
              "run with --debug for the traceback)", file=sys.stderr)
        return EXIT_BUILD
