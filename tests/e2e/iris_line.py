"""Which IRIS the e2e suite runs, and so which line's modules it bakes (an ``iris_version`` answer).

``IRIS_WEB_SOURCE`` is a checkout of iris-web. Its line is ``IRIS_LINE`` when set (``2.4``, ``develop``:
cookiecutter.json's ``iris_version`` choices), else the one line whose Python (its ``line.json``)
is the Python the checkout's images run (``FROM python:X.Y`` in docker/webApp/Dockerfile: 3.9 for
v2.4.20, 3.12 for develop at a4d5121f). Without a checkout the suite is skipped; its tests are
collected for the default line.
"""

import os
from pathlib import Path

import pytest
from conftest import rules

from .iris_server import source_python

SOURCE_VARIABLE = "IRIS_WEB_SOURCE"
LINE_VARIABLE = "IRIS_LINE"


def iris_source():
    value = os.environ.get(SOURCE_VARIABLE)
    if not value:
        return None
    source = Path(value).resolve()
    if not (source / "source" / "requirements.txt").is_file():
        raise pytest.UsageError(f"{SOURCE_VARIABLE}={value} is not an iris-web checkout (no source/requirements.txt)")
    return source


def iris_line(source):
    """The ``rules.lines.Line`` of the IRIS in ``source``."""
    lines = rules.lines.offered()
    named = os.environ.get(LINE_VARIABLE)
    if named:
        if named not in lines:
            raise pytest.UsageError(f"{LINE_VARIABLE}={named!r} is not an IRIS line: use one of {', '.join(lines)}")
        return lines[named]
    if source is None:
        return rules.lines.default()
    python = source_python(source)
    matching = [line for line in lines.values() if line.python == python]
    if len(matching) != 1:
        lines = ", ".join(f"{line.iris_version} (Python {line.python})" for line in lines.values())
        raise pytest.UsageError(
            f"{source} runs Python {python} (docker/webApp/Dockerfile), which does not name one IRIS line of"
            f" {lines}: set {LINE_VARIABLE} to the line it is"
        )
    return matching[0]


LINE = iris_line(iris_source())
