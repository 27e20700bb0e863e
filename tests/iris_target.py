"""What tests that stand in for IRIS 2.4's environment need: its Python (3.9), and a package index."""

import functools
import os
import shutil
import subprocess
import urllib.request

import pytest

IRIS_PYTHON_VERSION = "3.9"


@functools.cache
def iris_python():
    """A Python 3.9 interpreter: IRIS_PYTHON (CI sets it when the machine has one), else python3.9 on PATH."""
    for candidate in (os.environ.get("IRIS_PYTHON"), shutil.which(f"python{IRIS_PYTHON_VERSION}")):
        if candidate and _version(candidate) == IRIS_PYTHON_VERSION:
            return candidate
    return None


def _version(python):
    done = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
    )
    return done.stdout.strip()


@functools.cache
def index_problem():
    """Why pip's package index cannot be reached, or None when it answers."""
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/") + "/pip/"
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return None if answer.status == 200 else f"{url} answered {answer.status}"
    except OSError as error:
        return f"{url}: {error}"


def require_index():
    problem = index_problem()
    if problem:
        pytest.skip(f"no package index to resolve against ({problem})")


def require_iris_python():
    python = iris_python()
    if python is None:
        pytest.skip(f"no Python {IRIS_PYTHON_VERSION} here (IRIS 2.4's): set IRIS_PYTHON")
    return python
