"""ReplayDesk: a desktop workbench for rrweb web-session recordings.

Layers (data flows one way): formats -> store -> replay/analysis -> ui/export.
Only ``ui`` and ``export`` may import Qt; the rest is plain Python.
"""

__version__ = "0.1.0"
