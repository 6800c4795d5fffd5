"""The per-user cache's entries (generator/user_store.py): vouched for by a private record,
and the oldest removed once a folder holds more than its limit."""

from __future__ import annotations

import os

from generator import user_store


def test_an_entry_is_read_back_only_as_written(tmp_path):
    folder = tmp_path / "store"
    assert user_store.keep(folder, "k1", {"pdf": b"%PDF", "svg": b"<svg/>"})
    assert user_store.fetch(folder, "k1", ("pdf", "svg"), 100) == [b"%PDF", b"<svg/>"]
    assert user_store.fetch(folder, "k1", ("svg", "pdf"), 100) is None  # another order
    assert user_store.fetch(folder, "k1", ("pdf", "svg"), 3) is None  # over the limit
    (folder / "k1.svg").write_bytes(b"<svg><script/></svg>")
    assert user_store.fetch(folder, "k1", ("pdf", "svg"), 100) is None
    assert folder.stat().st_mode & 0o077 == 0


def test_beyond_its_limit_a_folder_loses_its_oldest_entries(tmp_path):
    folder = tmp_path / "figures"
    folder.mkdir()
    for n in range(10):  # written by earlier runs, oldest first
        for suffix in ("pdf", "svg", "sha256"):
            path = folder / f"old{n}.{suffix}"
            path.write_bytes(b"x")
            os.utime(path, ns=(n * 10**9, n * 10**9))
    (folder / "notes.txt").write_text("not an entry")
    assert user_store.keep(folder, "new", {"pdf": b"%PDF"}, max_entries=8)
    left = sorted(p.stem for p in folder.glob("*.sha256"))
    assert left == ["new"] + [f"old{n}" for n in range(4, 10)]  # 6 of 10 kept, then new
    assert not list(folder.glob("old3.*")) and (folder / "notes.txt").exists()
    assert user_store.fetch(folder, "new", ("pdf",), 100) == [b"%PDF"]
