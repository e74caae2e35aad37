"""A real X display for the window tests: an Xvfb server of our own.

Why: the offscreen platform hid a blank pane and another session's page (issue 8);
these tests run the window on the ``xcb`` platform, as a user's desktop does. One
pytest process has one Qt platform (offscreen, set in tests/conftest.py), so the
window runs in a child process on this server.

Without Xvfb, or when Qt's xcb plugin cannot load, the tests skip with one reason;
with ``REPLAYDESK_REQUIRE_DISPLAY=1`` (CI) that is a failure instead.
"""

# x_display (our own Xvfb) comes from tests/xserver.py through tests/conftest.py.
