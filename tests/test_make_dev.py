"""`make dev`: the module's .venv runs on the Python IRIS runs modules on, with IRIS's pins, or says why not.

The whole `make dev` needs the IRIS line's Python and a package index, and skips without either,
saying so; the fallback is checked with no index at all.
"""

import os
import subprocess
import sys

from conftest import LINES, rules
from this_machine import require_index, require_iris_python

TARGET = rules.lines.default()


def run(command, folder, **env):
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env={**os.environ, **env})


def test_make_dev_makes_the_venv_on_iris_python_under_iris_pins(bake):
    python = require_iris_python(TARGET.python)
    require_index()
    folder = bake(preset="ioc-enrichment", keyword="developed", iris_version=TARGET.iris_version)

    done = run(["make", "dev", f"PYTHON={sys.executable}"], folder, IRIS_PYTHON=python)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"OK    .venv: Python {TARGET.python}, IRIS's pins from iris-constraints.txt" in done.stdout
    venv_python = str(folder / ".venv" / "bin" / "python")
    versions = run([venv_python, "-c", "import sys, requests, urllib3, celery; print(sys.version_info[:2], "
                    "requests.__version__, urllib3.__version__, celery.__version__)"], folder)  # fmt: skip
    major, minor = TARGET.python.split(".")
    pins = rules.pins.pins(TARGET)
    assert versions.stdout.split() == [
        f"({major},",
        f"{minor})",
        pins["requests"].split("==")[1],
        pins["urllib3"].split("==")[1],
        pins["celery"].split("==")[1],
    ]
    tested = run(["make", "test", f"PYTHON={venv_python}"], folder)
    assert tested.returncode == 0 and " passed" in tested.stdout, tested.stdout + tested.stderr


def test_make_dev_says_where_iris_python_is_missing_and_falls_back_to_this_one(bake, tmp_path):
    folder = bake(keyword="developed", iris_version=TARGET.iris_version)
    venv = tmp_path / "venv"
    # A Python no machine has: the fallback, then pip with no index, which stops before installing anything.
    command = [sys.executable, "tools/dev_env.py", "--venv", str(venv), "--python-version", "3.99"]

    done = run(command, folder, PIP_NO_INDEX="1", PYENV_ROOT=str(tmp_path / "no-pyenv"), IRIS_PYTHON="")

    this = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert "NOTE  Python 3.99, which IRIS runs modules on, is not on this machine" in done.stdout
    assert f"runs Python {this} instead, so the tests do not see IRIS's Python" in done.stdout
    assert (venv / "bin" / "python").exists()
    assert done.returncode == 1 and "FAIL  pip refused" in done.stdout


def test_every_line_names_its_python_for_make_dev(bake):
    for target in LINES.values():
        folder = bake(keyword="developed", iris_version=target.iris_version)
        shown = run(["make", "-n", "dev", f"PYTHON={sys.executable}"], folder)

        assert f"--python-version {target.python} --constraints iris-constraints.txt" in shown.stdout
