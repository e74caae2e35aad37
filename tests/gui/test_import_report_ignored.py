"""The import report dialog lists ignored files and folders with their reason (issue 9)."""

from __future__ import annotations

from replaydesk.store import ImportReport
from replaydesk.ui.import_report import ImportReportDialog


def test_ignored_items_are_rows_and_in_the_copied_text(qtbot):
    report = ImportReport(added=["a"], ignored=[("/x/empty", "folder holds no recordings"), ("/x/<img src=/dev/zero>", "not a recording file")])
    d = ImportReportDialog(report)
    qtbot.addWidget(d)
    rows = [(d.tree.topLevelItem(i).text(0), d.tree.topLevelItem(i).text(1)) for i in range(d.tree.topLevelItemCount())]
    assert ("/x/empty", "ignored: folder holds no recordings") in rows
    assert "2 ignored" in d.summary.text()
    assert "ignored: /x/empty: folder holds no recordings" in ImportReportDialog.as_text(report)
