"""mask_email and the shared display-text hook (Qt-free)."""

from __future__ import annotations

from replaydesk.state.privacy import DisplayText, mask_email, privacy_mode


def test_mask_email_keeps_first_letters_lengths_and_tld():
    assert mask_email("max@example.com") == "m**@e******.com"
    assert mask_email("Maria Keller <maria.keller@example.com> [u_1]") == "Maria Keller <m***********@e******.com> [u_1]"
    assert mask_email("a.b+tag@mail.example.co.uk") == "a******@m***.e******.c*.uk"


def test_mask_email_leaves_other_text():
    for s in ("no address here", "@handle", "price 4 @ 5.00", "user@localhost", "", None, 42):
        assert mask_email(s) == s


def test_display_text_switch_and_listeners():
    d = DisplayText()
    seen = []
    off = d.subscribe(seen.append)
    assert d("x@y.com") == "x@y.com"
    d.set_mask_emails(True)
    assert d("x@yz.com") == "x@y*.com"
    d.set_mask_emails(True)  # no change: no second call
    off()
    d.set_mask_emails(False)
    assert seen == [True]


def test_privacy_mode_falls_back_to_default():
    assert privacy_mode("mask-text") == "mask-text"
    assert privacy_mode("bogus") == "as-recorded"
    assert privacy_mode(None) == "as-recorded"
