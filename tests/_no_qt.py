"""pytest plugin (``-p tests._no_qt``): run as on a machine without Qt.

Makes PySide6, shiboken6 and pyqtgraph unimportable for the whole run, so a core test
(or a conftest) that pulls in Qt fails with an ImportError. Used by tests/test_no_qt.py.
"""

import sys

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")


class _BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"Qt is blocked for this run: {name}")
        return None


sys.meta_path.insert(0, _BlockQt())
