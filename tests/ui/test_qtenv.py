"""QtWebEngine's start-up flags (issue 16, memory): no zygote processes when the sandbox is off;
Qt draws the view without OpenGL."""

from __future__ import annotations

import os

import pytest

from replaydesk.ui import qtenv

ENV = ("QTWEBENGINE_CHROMIUM_FLAGS", "QTWEBENGINE_DISABLE_SANDBOX", "QT_QPA_PLATFORM", "QT_QUICK_BACKEND",
       "QT_XCB_GL_INTEGRATION", "MALLOC_MMAP_THRESHOLD_")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.setenv(name, "")  # recorded, so what the test sets is undone after it
        monkeypatch.delenv(name)
    return monkeypatch


def test_as_root_the_helpers_start_without_zygotes(clean_env):
    clean_env.setattr(qtenv, "running_as_root", lambda: True)
    qtenv.prepare_qt_environment(offscreen=True)
    assert os.environ["QTWEBENGINE_DISABLE_SANDBOX"] == "1"
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split() == [*qtenv.OFFSCREEN_GL_FLAGS.split(), "--no-zygote"]


def test_with_the_sandbox_on_the_zygotes_stay(clean_env):
    """Chromium refuses ``--no-zygote`` with its sandbox on; a user's window keeps both."""
    clean_env.setattr(qtenv, "running_as_root", lambda: False)
    qtenv.prepare_qt_environment(software_gl=True)
    assert "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == qtenv.SOFTWARE_GL_FLAGS
    qtenv.prepare_qt_environment()  # no flags of its own when none apply
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == qtenv.SOFTWARE_GL_FLAGS


def test_window_as_root_draws_in_software_without_zygotes_and_user_flags_win(clean_env):
    clean_env.setattr(qtenv, "running_as_root", lambda: True)
    qtenv.prepare_qt_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split() == [*qtenv.SOFTWARE_GL_FLAGS.split(), "--no-zygote"]
    clean_env.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--user-flag")
    qtenv.prepare_qt_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--user-flag"
    clean_env.setenv("QTWEBENGINE_DISABLE_SANDBOX", "0")
    assert qtenv.chromium_flags("--disable-gpu") == "--disable-gpu"


def test_qt_draws_the_view_without_opengl_unless_the_user_says_otherwise(clean_env):
    """The window's QQuickWidget on Qt Quick's OpenGL backend cost ~120 MB of llvmpipe on Xvfb
    (issue 16); every entry point (window, headless renderer) gets the software scene graph."""
    clean_env.setattr(qtenv, "running_as_root", lambda: False)
    qtenv.prepare_qt_environment()
    assert os.environ["QT_QUICK_BACKEND"] == "software"
    assert os.environ["QT_XCB_GL_INTEGRATION"] == "none"
    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == "131072"  # the helpers' glibc keeps no large freed blocks
    for name in ("QT_QUICK_BACKEND", "QT_XCB_GL_INTEGRATION"):
        clean_env.setenv(name, "")  # the user's choice (empty: Qt's default) is kept
    qtenv.prepare_qt_environment(offscreen=True, software_gl=True)
    assert os.environ["QT_QUICK_BACKEND"] == os.environ["QT_XCB_GL_INTEGRATION"] == ""
