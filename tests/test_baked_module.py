"""Each module type, as baked: its own tests pass, IRIS's loader accepts it, and its wheel installs.

These run the baked project against the real iris-interface from PyPI, with only IRIS's
``app.*`` names stood in by the project's own tests/fake_iris.py.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHOICES, LINES, code_variants, rules, run_baked_suite, variant_id
from this_machine import iris_python

TYPES = CHOICES["module_type"]
PRESETS = rules.presets.PRESETS
VARIANTS = code_variants()


def run(command, cwd, python=sys.executable):
    done = subprocess.run([python, *command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def make(target, folder):
    done = subprocess.run(["make", target, f"PYTHON={sys.executable}"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, f"make {target} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_make_test_passes_as_baked(bake, variant):
    folder = bake(**variant, keyword="own")

    output = make("test", folder)

    assert " passed" in output and "failed" not in output


@pytest.mark.parametrize("module_type", TYPES)
def test_make_check_reports_what_iris_will_say(bake, module_type):
    folder = bake(module_type=module_type, keyword=f"check_{module_type}")

    output = make("check", folder)

    assert "OK    IRIS will accept this module" in output
    assert f"module_{module_type}" in output


@pytest.fixture(scope="session")
def iris_venv(tmp_path_factory):
    """A fresh virtual environment per IRIS line, on its Python, with what IRIS's images provide besides the module."""
    venvs = {}

    def venv(target):
        if target.iris_version not in venvs:
            folder = tmp_path_factory.mktemp(f"iris-venv-{target.release}")
            # The line's Python where this machine has it (CI sets IRIS_PYTHON_3_9...), else the test's own
            # when the project accepts it (requires-python is the line's).
            base = iris_python(target.python)
            if base is None and sys.version_info < tuple(int(part) for part in target.python.split(".")):
                pytest.skip(
                    f"no Python {target.python} here ({target.name}'s): set IRIS_PYTHON_{target.python.replace('.', '_')}"
                )
            base = base or sys.executable
            subprocess.run([base, "-m", "venv", str(folder)], check=True)
            python = str(folder / "bin" / "python")
            environment = Path(__file__).with_name("iris-environment.txt")
            run(["-m", "pip", "install", "-q", "-r", str(environment), "-c", str(target.constraints)], folder, python)
            venvs[target.iris_version] = python
        return venvs[target.iris_version]

    return venv


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_the_wheel_installs_and_loads_in_a_fresh_environment(bake, iris_venv, variant, tmp_path):
    keyword = f"wheel_{VARIANTS.index(variant)}"  # one distribution per variant
    folder = bake(**variant, keyword=keyword)
    package = f"iris_{keyword}_module"
    python = iris_venv(LINES[variant["iris_version"]])
    shutil.rmtree(folder / "dist", ignore_errors=True)
    # Built on the line's Python: the project requires it.
    subprocess.run(["make", "wheel", f"PYTHON={python}"], cwd=folder, check=True, capture_output=True)
    (wheel,) = (folder / "dist").glob("*.whl")

    # With --no-deps, as `make install` does in IRIS: what the module needs must be there already.
    run(["-m", "pip", "install", "-q", "--no-deps", str(wheel)], cwd=tmp_path, python=python)
    # Outside the project folder, so the package can only come from the installed wheel.
    output = run([str(folder / "tests" / "fake_iris.py"), package], cwd=tmp_path, python=python)
    installed = run(["-c", f"import {package}; print({package}.__file__)"], cwd=tmp_path, python=python)
    tests_in_venv = run(["-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder, python=python)

    assert "OK    IRIS will accept this module" in output
    assert "site-packages" in installed
    assert " passed" in tests_in_venv
    assert not any(Path(installed).parent.parent.glob("tests")), "tests must not ship in the wheel"


@pytest.mark.parametrize("preset", [name for name, preset in PRESETS.items() if preset.module_type != "pipeline"])
def test_switching_every_hook_off_by_default_keeps_the_baked_suite_green(bake, preset, tmp_path):
    # As a user would: flip each hook's default in config.py, see the README's table go
    # stale, write it again, and the baked tests still pass: they set the switches they need.
    folder = shutil.copytree(bake(preset=preset, keyword="flipped"), tmp_path / "flipped")
    package = "iris_flipped_module"
    config = folder / package / "config.py"
    plan = rules.hook_selection.catalogue(rules.lines.default()).plan(PRESETS[preset].hooks)
    switches = [switch.param_name for switch in plan["switches"]]
    text = config.read_text(encoding="utf-8")
    for name in switches:
        text, flipped = re.subn(
            rf'("param_name": "{name}",.*?"default": )True', r"\1False", text, count=1, flags=re.DOTALL
        )
        assert flipped == 1, name
    config.write_text(text, encoding="utf-8")

    stale = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert stale.returncode == 1
    assert re.findall(r"FAILED (\S+)", stale.stdout) == [
        "tests/test_readme.py::test_the_readme_lists_the_settings_of_config_py"
    ]
    run(["tests/readme_settings.py", package], cwd=folder)
    assert f"| `{switches[0]}` | bool | `false` |" in (folder / "README.md").read_text(encoding="utf-8")
    run_baked_suite(folder)
