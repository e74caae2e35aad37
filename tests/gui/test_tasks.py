"""ui/tasks.py: a task stopped with the one cancel exception is not a failure."""

from __future__ import annotations

import threading

from replaydesk.ui import tasks
from replaydesk.ui.tasks import op
from replaydesk.work import Cancelled


def _run(qtbot, builder: op) -> dict:
    seen: dict = {"failed": [], "cancelled": 0, "handled": []}
    tasks.set_error_handler(seen["handled"].append)
    try:
        builder.on_failure(seen["failed"].append).on_cancelled(lambda: seen.__setitem__("cancelled", 1)).run()
        qtbot.waitUntil(lambda: bool(seen["failed"] or seen["cancelled"]), timeout=5_000)
    finally:
        tasks.set_error_handler(None)
    return seen


def test_work_cancelled_goes_to_the_cancelled_path_not_on_failure(qtbot):
    """The index build stops with ``work.Cancelled`` (raised by the store's scan, not by
    ``task.check``); it used to reach ``on_failure`` and show "cannot be replayed"."""

    def stopped_by_the_store():
        raise Cancelled()

    seen = _run(qtbot, op(stopped_by_the_store))
    assert seen == {"failed": [], "cancelled": 1, "handled": []}


def test_handle_cancel_stops_a_task_that_checks_its_token(qtbot):
    started = threading.Event()

    def loop(task):
        started.set()
        while True:
            task.check()
            task.token.cancelled  # noqa: B018 - the token is what Qt-free code is handed

    b = op(loop)
    seen: dict = {"failed": [], "cancelled": 0}
    handle = b.on_failure(seen["failed"].append).on_cancelled(lambda: seen.__setitem__("cancelled", 1)).run()
    assert started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: seen["cancelled"] == 1, timeout=5_000)
    assert seen["failed"] == [] and handle.cancelled and handle.done


def test_a_real_error_still_reaches_on_failure(qtbot):
    def broken():
        raise ValueError("bad")

    seen = _run(qtbot, op(broken))
    assert [type(e) for e in seen["failed"]] == [ValueError] and seen["cancelled"] == 0


def test_cancelled_without_on_cancelled_is_silent(qtbot):
    handled: list = []
    tasks.set_error_handler(handled.append)
    try:
        h = op(lambda: (_ for _ in ()).throw(Cancelled())).run()
        qtbot.waitUntil(lambda: h.done, timeout=5_000)
    finally:
        tasks.set_error_handler(None)
    assert handled == []
