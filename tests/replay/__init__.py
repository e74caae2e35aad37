"""Tests for replaydesk.replay (DOM mirror, checkpoints, seek)."""
