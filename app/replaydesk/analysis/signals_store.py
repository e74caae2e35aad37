"""Frustration signals kept in the store: computed at import, named by a mirror pass,
recomputed when the thresholds change (the analysis side of store/signals.py).

Three passes, chosen by what each can afford:

* **import** (:class:`ImportSignals`, an ingest observer): the facts collector runs
  *without* the DOM mirror on the import's own pass (about 2-3 us an event; replaying the
  mirror costs 10-17 us an event and would more than double the import). That is enough
  for every rule that the list filters on: rage, error and dead clicks (by node id), quick
  backs, scrolling and cursor thrash. Without the mirror, click targets are ids only, any
  click counts as a dead-click candidate, and forms are not tracked.
* **attribution** (:func:`attribute_sessions`, :class:`MirrorSignals`): a pass with the
  mirror rebuilds the facts with named targets (selector, tag, role, text), the dead-click
  candidate test and form abandonment, and names the session's clicks in ``interactions``.
  It rides on the checkpoint scan when a session is first opened (``MirrorSignals`` is an
  ``observe`` hook beside ``ViewsBuilder``), or runs as a background job after import.
* **recompute** (:func:`recompute_signals`): a threshold change reruns only the rules on
  the stored facts of every session, in one write transaction (all or nothing).

Facts carry :data:`FACTS_KEY` (the collector's version): stored facts of another version
are rebuilt from the events (mirror-less) by :func:`rebuild_stale_facts`, which the
recompute runs first.
"""

from __future__ import annotations

import logging

from ..store import connection_of, iter_events
from ..store import signals as store
from ..store.checkpoints_table import session_content_hash
from ..store.db import write_transaction
from ..work import CancelToken, Cancelled, ProgressFn
from .signals import FACTS_VERSION, SignalSettings, decode_facts, detect, encode_facts
from .signals.facts import FactsCollector, SignalFacts
from .signals.rules import Finding

log = logging.getLogger(__name__)

FACTS_KEY = f"facts-{FACTS_VERSION}"


# --- settings ----------------------------------------------------------------------------------

def stored_settings(db) -> SignalSettings:
    """The thresholds the stored findings were computed with (defaults when never set)."""
    return SignalSettings.from_json(store.load_setting(db))


# --- findings -> rows ----------------------------------------------------------------------------

def _labels(facts: SignalFacts) -> dict[tuple[int, int | None], str]:
    return {(c.t, c.target.node_id): c.target.label() for c in facts.clicks}


def finding_rows(facts: SignalFacts, found: list[Finding]) -> list[tuple]:
    """Findings as store rows (store.signals.FINDING_FIELDS order). ``target_label`` is
    what the UI prints for the element (``button#share-lab 'Share'``)."""
    labels: dict | None = None
    rows = []
    for f in found:
        label = f.selector
        if f.kind in ("rage_click", "dead_click", "error_click"):
            if labels is None:
                labels = _labels(facts)
            label = labels.get((f.t_ms, f.node_id), label)
        rows.append((f.kind, f.t_ms, f.ts, f.end_ms, f.count, f.node_id, f.selector, label, f.rule, f.params,
                     f.evidence))
    return rows


def _write(conn, session_id: str, facts: SignalFacts, settings: SignalSettings, content_hash: str,
           attributed: bool) -> list[Finding]:
    found = detect(facts, settings)
    store.write_session_signals(
        conn, session_id, findings=finding_rows(facts, found), facts=encode_facts(facts), version=FACTS_KEY,
        content_hash=content_hash, attributed=attributed,
    )
    if attributed:
        t0 = facts.t0
        store.set_click_targets(conn, session_id, (
            (t0 + c.t, c.target.node_id, c.target.selector, c.target.tag, c.target.role, c.target.text)
            for c in facts.clicks
        ))
    return found


# --- import ------------------------------------------------------------------------------------

class ImportSignals:
    """Ingest observer (store.ingest.SessionObserver): the mirror-less facts collector on
    the import's pass; writes facts, findings and counts in the session's transaction."""

    __slots__ = ("feed", "_collector", "_settings")

    def __init__(self, settings: SignalSettings):
        self._collector = FactsCollector()
        self._settings = settings
        self.feed = self._collector.feed  # feed(event, mirror=None): no wrapper on the hot path

    def finish(self, conn, session_id: str, content_hash: str) -> None:
        facts = self._collector.finish()
        _write(conn, session_id, facts, self._settings, content_hash, attributed=False)


def import_observer(db, settings: SignalSettings | None = None):
    """An observer factory for ``store.import_paths(observers=[...])`` using ``settings``
    (default: those the store's findings were last computed with)."""
    s = settings if settings is not None else stored_settings(db)
    return lambda: ImportSignals(s)


# --- the mirror pass -------------------------------------------------------------------------------

class MirrorSignals:
    """The facts collector *with* the DOM mirror, for a pass that replays one anyway:
    ``feed(event, mirror)`` with the mirror before the event is applied (the checkpoint
    scan's ``observe``), then :meth:`save` (single writer) after the scan."""

    def __init__(self) -> None:
        self._collector = FactsCollector()
        self.feed = self._collector.feed

    def save(self, db, session_id: str, content_hash: str, mirror=None,
             settings: SignalSettings | None = None) -> bool:
        """Store the attributed facts, findings and click names if the session still has
        ``content_hash``; ``mirror``: the scan's final mirror (forms still on the page)."""
        facts = self._collector.finish(mirror)
        conn = connection_of(db)
        with write_transaction(conn, "rd_mirror_signals"):
            if session_content_hash(conn, session_id) != content_hash:
                return False
            _write(conn, session_id, facts, settings or stored_settings(conn), content_hash, attributed=True)
        return True


def attribute_session(db, session_id: str, *, settings: SignalSettings | None = None,
                      cancel: CancelToken | None = None) -> bool:
    """Replay one session's stored events through a mirror and store its attributed facts
    (see :class:`MirrorSignals`). False if the session is gone or changed meanwhile."""
    from ..replay import Mirror

    conn = connection_of(db)
    content_hash = session_content_hash(conn, session_id)
    if content_hash is None:
        return False
    mirror = Mirror()
    ms = MirrorSignals()
    for i, e in enumerate(iter_events(conn, session_id)):
        ms.feed(e, mirror)
        mirror.apply(e)
        if cancel is not None and not i % 2048:
            cancel.check()
    return ms.save(conn, session_id, content_hash, mirror, settings)


def attribute_sessions(db, session_ids=None, *, settings: SignalSettings | None = None,
                       cancel: CancelToken | None = None, progress: ProgressFn | None = None) -> int:
    """Mirror pass for every session (or those given) whose facts are missing, stale or
    mirror-less. Each session commits on its own, so a cancel keeps the work done.
    Returns the number of sessions attributed."""
    todo = store.stale_fact_sessions(db, FACTS_KEY, unattributed=True, session_ids=session_ids)
    s = settings or stored_settings(db)
    n = 0
    for i, sid in enumerate(todo):
        if progress is not None:
            progress(i, len(todo), sid)
        if cancel is not None:
            cancel.check()
        try:
            n += attribute_session(db, sid, settings=s, cancel=cancel)
        except Cancelled:
            raise
        except Exception:  # noqa: BLE001 - one unreplayable session must not stop the rest
            log.exception("cannot attribute the clicks of %s", sid)
    if progress is not None:
        progress(len(todo), len(todo), "")
    return n


# --- recompute -----------------------------------------------------------------------------------

def rebuild_stale_facts(db, settings: SignalSettings, *, cancel: CancelToken | None = None,
                        progress: ProgressFn | None = None) -> int:
    """Rebuild (mirror-less, from the stored events) the facts of sessions that have none
    or facts of another version or content. Each session commits on its own."""
    conn = connection_of(db)
    todo = store.stale_fact_sessions(conn, FACTS_KEY)
    for i, sid in enumerate(todo):
        if cancel is not None:
            cancel.check()
        if progress is not None:
            progress(i, len(todo), sid)
        content_hash = session_content_hash(conn, sid)
        if content_hash is None:
            continue
        coll = FactsCollector()
        for e in iter_events(conn, sid):
            coll.feed(e)
        facts = coll.finish()
        with write_transaction(conn, "rd_rebuild_facts"):
            if session_content_hash(conn, sid) == content_hash:
                _write(conn, sid, facts, settings, content_hash, attributed=False)
    return len(todo)


def recompute_signals(db, settings: SignalSettings, cancel: CancelToken | None = None,
                      progress: ProgressFn | None = None, *, batch: int = 500) -> int:
    """Rewrite every session's findings and ``sig_*`` counts with ``settings`` from the
    stored facts (stale facts are rebuilt from events first), and record ``settings`` as
    the store's. The rewrite is one write transaction: cancelled (``Cancelled`` raised) or
    failed, the store keeps the previous findings and settings. Returns the sessions
    recomputed. The single writer's job (the GUI runs it on its write worker)."""
    conn = connection_of(db)
    rebuild_stale_facts(conn, settings, cancel=cancel)
    ids = store.current_fact_sessions(conn, FACTS_KEY)
    total = len(ids)
    done = 0
    with write_transaction(conn, "rd_recompute"):
        for i in range(0, total, batch):
            if cancel is not None:
                cancel.check()
            part = ids[i:i + batch]
            rows = []
            for sid, _started, _ver, _attr, blob in store.iter_facts(conn, part, version=FACTS_KEY):
                try:
                    facts = decode_facts(blob)
                except ValueError:
                    log.warning("unreadable signal facts of %s: findings cleared until rebuilt", sid)
                    store.delete_facts(conn, sid)
                    rows.append((sid, []))
                    continue
                rows.append((sid, finding_rows(facts, detect(facts, settings))))
            store.replace_all_findings(conn, rows)
            done += len(part)
            if progress is not None:
                progress(done, total, "")
        store.save_setting(conn, settings.to_json())
    return total
