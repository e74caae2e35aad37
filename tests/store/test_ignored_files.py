"""Nothing is skipped silently: every file or folder an import passes over is
reported with a reason (issue 9).

Before: a folder import skipped sub-folders without an events file (and loose
files beside session folders) and still reported "13 added ... 0 rejected".
"""

from __future__ import annotations

import orjson

from replaydesk.store import import_paths
from tests.formats import builders as B


def _rec(k: int) -> bytes:
    return orjson.dumps(B.tiny_events(t0=1_700_000_000_000 + k * 10_000))


def _why(report, suffix: str) -> str:
    found = [why for label, why in report.ignored if label.endswith(suffix)]
    assert len(found) == 1, (suffix, report.ignored)
    return found[0]


def test_folder_import_reports_every_skipped_file_and_folder(fresh_db, tmp_path):
    root = tmp_path / "export"
    for k in range(3):
        B.write(root / f"ses_{k}" / "events.json", _rec(k))
    B.write(root / "ses_0" / "events.jsonl", _rec(9))  # a second events file
    (root / "empty").mkdir()
    B.write(root / "shots" / "1.png", b"\x89PNG")
    B.write(root / "index.json", b"{}")
    B.write(root / "README.md", b"# notes")
    B.write(root / "orphan" / "meta.json", b'{"id": "x"}')
    B.write(root / ".DS_Store", b"\0")
    report = import_paths(fresh_db, [root])
    assert len(report.added) == 3 and not report.rejected
    assert "no recordings" in _why(report, "/empty")
    assert "no recordings" in _why(report, "/shots")
    assert "beside session folders" in _why(report, "/index.json")
    assert "not a recording file" in _why(report, "/README.md")
    assert "second events file" in _why(report, "ses_0/events.jsonl")
    assert "hidden" in _why(report, "/export") and ".DS_Store" in _why(report, "/export")
    assert "no recordings" in _why(report, "/orphan")
    assert "ignored" in report.summary_line()


def test_sessions_in_nested_folders_are_found(fresh_db, tmp_path):
    root = tmp_path / "archive"
    B.write(root / "2024-01" / "ses_a" / "events.json", _rec(1))
    B.write(root / "2024-02" / "ses_b" / "events.json", _rec(2))
    report = import_paths(fresh_db, [root])
    assert len(report.added) == 2 and not report.rejected and not report.ignored


def test_zip_import_reports_members_it_does_not_read(fresh_db, tmp_path):
    z = B.make_zip(tmp_path / "a.zip", {
        "s1/events.json": _rec(1),
        "s1/truth/1.png": b"png",  # the session folder's own files: part of it
        "s2/events.json": _rec(2),
        "s2/events.jsonl": _rec(3),
        "loose.json": _rec(4),
        "notes.txt": b"hello",
        "__MACOSX/._s1": b"x",
    })
    report = import_paths(fresh_db, [z])
    assert len(report.added) == 2 and not report.rejected
    assert "beside session folders" in _why(report, ":loose.json")
    assert "not a recording file" in _why(report, ":notes.txt")
    assert "second events file" in _why(report, ":s2/events.jsonl")
    assert "hidden" in _why(report, "a.zip")
    assert not any("png" in label for label, _ in report.ignored)


def test_cli_prints_each_ignored_item(tmp_path, capsys):
    from replaydesk.cli.commands import do_import
    from replaydesk.store import open_store

    root = tmp_path / "export"
    B.write(root / "ses_1" / "events.json", _rec(1))
    (root / "empty").mkdir()
    code, report = do_import(open_store(tmp_path / "s.db"), [root], quiet=True)
    err = capsys.readouterr().err
    assert code == 0 and f"ignored: {root / 'empty'}: " in err
