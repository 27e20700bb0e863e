"""What tests that stand in for IRIS's environment need: the Python of each IRIS line (3.9, 3.12), a package index,
and iris-web's source, where each line's data comes from."""

import functools
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest


@functools.cache
def iris_python(version):
    """A Python ``version`` interpreter: IRIS_PYTHON_<major>_<minor> or IRIS_PYTHON (CI sets them when the machine
    has one), else python<version> on PATH, else pyenv's."""
    candidates = [
        os.environ.get("IRIS_PYTHON_" + version.replace(".", "_")),
        os.environ.get("IRIS_PYTHON"),
        shutil.which(f"python{version}"),
    ]
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates += sorted(str(path) for path in pyenv_root.glob(f"versions/{version}.*/bin/python{version}"))
    for candidate in candidates:
        if candidate and _version(candidate) == version:
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


def require_iris_python(version):
    python = iris_python(version)
    if python is None:
        pytest.skip(f"no Python {version} here (an IRIS line's): set IRIS_PYTHON_{version.replace('.', '_')}")
    return python


def iris_web_source(target, path):
    """The text of ``path`` in the line's iris-web source: beside this checkout (../shared/iris-web-<release>, as CI
    has it) or beside its worktree, or in a clone of iris-web named by IRIS_WEB_GIT at the commit the line's data was
    derived from. Skips the test without either."""
    root = Path(__file__).resolve().parent.parent
    for folder in (root.parent / "shared", root.parent.parent / "shared"):
        file = folder / f"iris-web-{target.release}" / path
        if file.is_file():
            return file.read_text(encoding="utf-8")
    if os.environ.get("IRIS_WEB_GIT"):
        done = subprocess.run(
            ["git", "--git-dir", os.environ["IRIS_WEB_GIT"], "show", f"{target.commit}:{path}"],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode == 0:
            return done.stdout
    pytest.skip(f"iris-web's source of {target.release} is not beside this checkout (or set IRIS_WEB_GIT)")
