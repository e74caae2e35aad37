"""Entry point of the PyInstaller build: the same ``replaydesk`` command as the wheel's."""

import sys

from replaydesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
