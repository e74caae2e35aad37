"""NotesState (Qt-free): the open session's notes and those covering the playhead."""

from replaydesk.state.notes import NotesState
from replaydesk.store.notes import MOMENT_SPAN_MS, Note


def n(i, start, end, sid="s1"):
    return Note(i, f"u{i}", sid, start, end, f"note {i}")


def test_active_notes_follow_the_time_and_edits():
    st = NotesState()
    seen, lists = [], []
    st.connect("active_changed", lambda ns: seen.append([x.id for x in ns]))
    st.connect("notes_changed", lambda ns: lists.append([x.id for x in ns]))
    st.set_session("s1", [n(2, 5000, 9000), n(1, 1000, 1000), n(9, 0, 10, sid="other")])
    assert [x.id for x in st.notes] == [1, 2] and lists == [[1, 2]]  # by start, this session only
    st.set_time(1000)
    assert [x.id for x in st.active] == [1]
    st.set_time(1000 + MOMENT_SPAN_MS)  # a moment shows for MOMENT_SPAN_MS, end excluded
    assert st.active == []
    st.set_time(8999)
    st.set_time(8000)  # same set: no event
    assert seen == [[1], [], [2]]
    st.set_time(9000)
    assert st.active == []
    st.put(n(2, 5000, 9500))  # edited to cover the playhead again
    assert [x.id for x in st.active] == [2]
    st.put(n(3, 0, 0, sid="other"))  # another session's: ignored
    st.remove_uid("u2")
    assert [x.id for x in st.notes] == [1] and st.active == []
    st.remove(1)
    assert st.notes == [] and lists[-1] == []
