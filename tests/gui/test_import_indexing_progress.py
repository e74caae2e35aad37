"""The status bar's import progress says when a long session is being indexed (issue 16): the
scan that makes its first open seek at once takes seconds for an hour of events, and the bar
used to stand still meanwhile."""

from __future__ import annotations

import time

import replaydesk.analysis.importing as importing
import replaydesk.replay.session as session_mod
from replaydesk.ui.import_controller import ImportController

#: one FullSnapshot and 1,661 events: a long single-page run once the bound is lowered
SINGLE_PAGE = "ses_49340e341bb8"


def test_progress_text_names_the_indexing(qtbot, tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(importing, "SEEK_MAX_EVENTS", 1_000)
    # an hour of events takes seconds to scan; here the scan reports at each of its checks (every 512 events) and each
    # report takes as long as the status bar's refresh interval (0.1 s), as a long scan's would
    monkeypatch.setattr(session_mod, "_PROGRESS_EVERY", session_mod._CHECK_EVERY)
    real = importing._index_progress

    def slow(progress, at):
        report = real(progress, at)
        return None if report is None else (lambda done, total: (time.sleep(0.12), report(done, total)))
    monkeypatch.setattr(importing, "_index_progress", slow)
    ctl = ImportController(tmp_path / "store.db")
    texts: list[str] = []
    ctl.progressed.connect(lambda _fraction, text: texts.append(text))
    try:
        with qtbot.waitSignal(ctl.finished, timeout=60_000) as sig:
            ctl.start([corpus / SINGLE_PAGE])
        assert sig.args[0].added == [SINGLE_PAGE]
        indexing = [t for t in texts if "indexing for fast seeks" in t]
        assert len(indexing) >= 3, texts  # the bar moves while the scan runs
        assert indexing[-1].endswith("indexing for fast seeks 100%") and SINGLE_PAGE in indexing[-1]
        assert texts.index(indexing[0]) > 0 and "indexing" not in texts[0]  # reading the file comes first
    finally:
        ctl.cancel()
