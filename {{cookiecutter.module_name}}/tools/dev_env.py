"""The module's own environment (``make dev``): a venv on the Python IRIS runs modules on, under IRIS's pins.

The tests are only worth what their environment is: on this machine's newest Python and the newest
requests and urllib3 they pass where IRIS (its Python, its pins in iris-constraints.txt) may fail.
So the venv is made with IRIS's Python where this machine has one (IRIS_PYTHON names it, else
python3.X on PATH, else pyenv's), and says so plainly where it has none, falling back to the
Python running this script. Then it is filled as IRIS's containers are by `make install`: what the
module needs with its dependencies under IRIS's pins, EXTRA_NO_DEPS without theirs, and the module
itself, editable, without dependencies; the test tools beside them, under the same pins.

    python tools/dev_env.py --venv .venv --python-version 3.9 --constraints iris-constraints.txt [--no-deps REQ...]
"""

import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def version_of(python):
    """``3.9`` for a Python 3.9 interpreter; None when it does not run (a pyenv shim of a version not selected)."""
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(version):
    """IRIS's Python on this machine: IRIS_PYTHON, python<version> on PATH, pyenv's; None without one."""
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = [os.environ.get("IRIS_PYTHON"), shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", f"python{version}")))
    return next((python for python in candidates if python and version_of(python) == version), None)


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject, extras=("test", "dev")):
    """The project's dependencies and those of ``extras``, its own name (``x[test]``) left out."""
    data = _toml(Path(pyproject).read_text(encoding="utf-8"))["project"]
    found = list(data.get("dependencies", []))
    for extra in extras:
        found += data.get("optional-dependencies", {}).get(extra, [])
    own = canonical(data["name"])
    return [item for item in dict.fromkeys(found) if canonical(NAME.match(item).group()) != own]


def _toml(text):
    try:
        import tomllib  # Python 3.11 and later
    except ImportError:  # Python 3.9 and 3.10: the TOML reader pip carries
        from pip._vendor import tomli as tomllib
    return tomllib.loads(text)


def pip(python, *arguments):
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", *arguments]
    print("      " + shlex.join(command), flush=True)  # as a shell would take it back: quoted
    return subprocess.run(command).returncode


def make(venv, version, constraints, no_deps, project="."):
    wanted = find_python(version)
    base = wanted or sys.executable
    base_version = version_of(base)
    if wanted is None:
        print(
            f"NOTE  Python {version}, which IRIS runs modules on, is not on this machine (IRIS_PYTHON, python{version}"
            f" on PATH, pyenv): {venv} runs Python {base_version} instead, so the tests do not see IRIS's Python."
            f" Install {version} (e.g. pyenv install {version}) and run make dev again, or set IRIS_PYTHON.",
            flush=True,
        )
    python = str(Path(venv) / "bin" / "python")
    if Path(venv).exists() and version_of(python) != base_version:
        print(f"      {venv} runs Python {version_of(python)}: made again on Python {base_version}", flush=True)
        shutil.rmtree(venv)
    if not Path(venv).exists():
        subprocess.run([base, "-m", "venv", venv], check=True)
    skipped = {canonical(NAME.match(item).group()) for item in no_deps}
    needed = [
        item
        for item in requirements(Path(project) / "pyproject.toml")
        if canonical(NAME.match(item).group()) not in skipped
    ]
    steps = [["-c", constraints, *needed]]
    if no_deps:
        steps.append(["--no-deps", "-c", constraints, *no_deps])
    steps.append(["--no-deps", "-e", project])
    for step in steps:
        if pip(python, *step) != 0:
            print(
                f"FAIL  pip refused (above): {venv} is not ready. IRIS's pins ({constraints}) never move to make room."
            )
            return 1
    print(f"OK    {venv}: Python {base_version}, IRIS's pins from {constraints}. Run . {venv}/bin/activate")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=".venv")
    parser.add_argument("--python-version", required=True, help="the Python IRIS runs modules on, e.g. 3.9")
    parser.add_argument("--constraints", default="iris-constraints.txt")
    parser.add_argument("--no-deps", nargs="*", default=[], help="requirements installed without dependencies")
    args = parser.parse_args(argv)
    return make(args.venv, args.python_version, args.constraints, args.no_deps)


if __name__ == "__main__":
    sys.exit(main())
