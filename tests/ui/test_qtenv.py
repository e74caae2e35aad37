"""QtWebEngine's start-up flags (issue 16, memory): no zygote processes when the sandbox is off."""

from __future__ import annotations

import os

import pytest

from replaydesk.ui import qtenv

ENV = ("QTWEBENGINE_CHROMIUM_FLAGS", "QTWEBENGINE_DISABLE_SANDBOX", "QT_QPA_PLATFORM")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
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


def test_window_as_root_gets_only_no_zygote_and_user_flags_win(clean_env):
    clean_env.setattr(qtenv, "running_as_root", lambda: True)
    qtenv.prepare_qt_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--no-zygote"
    clean_env.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--user-flag")
    qtenv.prepare_qt_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--user-flag"
    clean_env.setenv("QTWEBENGINE_DISABLE_SANDBOX", "0")
    assert qtenv.chromium_flags("--disable-gpu") == "--disable-gpu"
