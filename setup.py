"""Build the one C extension: the redactor's walks (app/replaydesk/formats/redact/_walk.c).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the
install goes on and the redactor walks in Python (same results, slower import; see
docs/privacy.md). Our own C, no third-party code.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "replaydesk.formats.redact._walk",
            ["app/replaydesk/formats/redact/_walk.c"],
            optional=True,
        )
    ]
)
