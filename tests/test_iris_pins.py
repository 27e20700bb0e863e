"""IRIS's pins as data, baked as iris-constraints.txt, and `make check`'s resolution against them.

The resolution runs pip for each IRIS line's Python against the package index; without one, those
tests skip and say so. `make install` under the pins is in test_make_install.py.
"""

import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib

import pytest
from conftest import LINES, code_variants, rules, variant_id
from packaging.requirements import Requirement
from this_machine import iris_web_source, require_index

PINS = rules.pins


def make(folder, *arguments, env=None):
    command = ["make", *arguments, f"PYTHON={sys.executable}"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env)


def makefile_value(folder, variable):
    """A variable of the baked Makefile, split as the shell splits it."""
    show = f"show: ; @echo {variable}=$({variable})"
    done = subprocess.run(["make", "-s", f"--eval={show}", "show"], cwd=folder, capture_output=True, text=True)
    return shlex.split(done.stdout.strip().split("=", 1)[1])


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_the_data_holds_every_requirement_of_iris_web(target):
    expected = {}
    for line in iris_web_source(target, "source/requirements.txt").splitlines():
        line = line.strip()
        wheel = re.fullmatch(r"dependencies/([^-]+)-([^-]+)-.+\.whl", line)
        if wheel:
            line = f"{wheel[1]}=={wheel[2]}"
        if line and not line.startswith("#"):
            requirement = Requirement(line)
            expected[PINS.canonical(requirement.name)] = str(requirement.specifier)

    pinned = {name: str(Requirement(line).specifier) for name, line in PINS.pins(target).items()}

    assert pinned == expected
    assert pinned["setuptools"] == "~=70.3.0" and pinned["iris-interface"] == "==1.2.0"


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_every_project_carries_the_pins_of_its_iris_line(bake, target):
    folder = bake(keyword="pinned", iris_version=target.iris_version)

    baked = (folder / "iris-constraints.txt").read_text(encoding="utf-8")

    assert baked == PINS.constraints_file(target).read_text(encoding="utf-8")
    assert f"IRIS {target.release}" in baked.splitlines()[0]
    assert makefile_value(folder, "IRIS_PYTHON_VERSION") == [target.python]


@pytest.mark.parametrize("variant", code_variants(), ids=variant_id)
def test_what_make_install_adds_is_declared_by_the_project_in_the_same_range(bake, variant):
    folder = bake(**variant, keyword="fits")

    declared = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    added = makefile_value(folder, "EXTRA_PACKAGES") + makefile_value(folder, "EXTRA_NO_DEPS")

    assert set(added) <= set(declared)


@pytest.mark.parametrize("variant", code_variants(), ids=variant_id)
def test_make_check_resolves_what_make_install_adds_beside_iris_pins(bake, variant):
    folder = bake(**variant, keyword="fits")
    extras = makefile_value(folder, "EXTRA_PACKAGES") + makefile_value(folder, "EXTRA_NO_DEPS")
    if extras:
        require_index()

    done = make(folder, "check")

    assert done.returncode == 0, done.stdout + done.stderr
    if not extras:
        assert "OK    make install adds nothing beside IRIS" in done.stdout
        return
    target = LINES[variant["iris_version"]]
    assert f"OK    what make install adds fits beside IRIS's pins on Python {target.python}" in done.stdout
    resolved = json.loads((folder / "dist" / "iris-check.json").read_text(encoding="utf-8"))["install"]
    versions = {PINS.canonical(item["metadata"]["name"]): item["metadata"]["version"] for item in resolved}
    assert {Requirement(extra).name.lower() for extra in extras} <= versions.keys()
    pins = PINS.pins(target)
    moved = {
        name: version
        for name, version in versions.items()
        if name in pins and not Requirement(pins[name]).specifier.contains(version, prereleases=True)
    }
    assert not moved, f"IRIS's pins would move: {moved}"
    if variant["preset"] == "hunt":  # the client without grpcio-tools, which needs setuptools>=77
        assert {"pyvelociraptor", "grpcio", "protobuf", "pyyaml", "cryptography"} <= versions.keys()
        assert "grpcio-tools" not in versions and "setuptools" not in versions


def test_make_check_refuses_a_module_named_as_one_iris_pins_before_anything_is_built(bake, tmp_path):
    # A later IRIS release that bundles a module of this name (or a rename by hand) makes the name taken: pip
    # would refuse the wheel under the pins, or replace IRIS's own. Offline: no resolver is needed to say so.
    folder = shutil.copytree(bake(keyword="later"), tmp_path / "later")
    constraints = folder / "iris-constraints.txt"
    constraints.write_text(constraints.read_text(encoding="utf-8") + "iris-later-module==2.0.0\n", encoding="utf-8")

    done = make(folder, "check")

    assert done.returncode != 0
    assert "OK    IRIS will accept this module" in done.stdout  # the loader's part still ran
    assert "FAIL  IRIS pins iris-later-module==2.0.0 (iris-constraints.txt)" in done.stdout
    assert "iris-later-module" in done.stdout and "rename the module" in done.stdout
    assert not (folder / "dist" / "iris-check.json").exists()  # nothing resolved, nothing built
    assert not list(folder.glob("dist/*.whl"))


def test_make_check_reads_a_requirement_with_a_range_as_pyproject_writes_it(bake):
    # As typed in a shell: make check EXTRA_PACKAGES='requests>=2.31,<2.32' (the shell takes the quotes off).
    folder = bake(keyword="ranged")
    before = sorted(item.name for item in folder.iterdir() if item.name != "dist")

    done = make(folder, "check", "EXTRA_PACKAGES=requests>=2.31,<2.32")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "cannot open" not in done.stderr
    assert "requests>=2.31,<2.32 fit" in done.stdout or "fits beside IRIS's pins" in done.stdout  # offline: SKIP
    assert sorted(item.name for item in folder.iterdir() if item.name != "dist") == before  # no file "=2.31,"


def test_make_check_names_the_pin_a_conflicting_package_would_move(bake):
    folder = bake(keyword="conflicts")
    require_index()

    done = make(folder, "check", "EXTRA_PACKAGES='requests==2.32.3'")

    assert done.returncode != 0
    assert "OK    IRIS will accept this module" in done.stdout  # the loader's part still ran
    assert "IRIS pins requests==2.31.0 (iris-constraints.txt)" in done.stdout
    assert "the module asks for requests==2.32.3" in done.stdout
    assert "Way out" in done.stdout


def test_make_check_explains_why_the_velociraptor_client_cannot_bring_its_dependencies(bake):
    """The issue's own case: pyvelociraptor -> grpcio-tools -> setuptools>=77, against IRIS's setuptools~=70.3.0."""
    folder = bake(preset="hunt", keyword="conflicts")
    require_index()

    done = make(folder, "check", "EXTRA_PACKAGES='pyvelociraptor==0.1.14'", "EXTRA_NO_DEPS=")

    assert done.returncode != 0
    assert "IRIS pins setuptools~=70.3.0 (iris-constraints.txt)" in done.stdout
    assert re.search(r"grpcio-tools \S+ depends on setuptools>=77", done.stdout), done.stdout
    way_out = done.stdout[done.stdout.index("Ways out") :]
    assert "never imports grpcio-tools" in way_out and "(EXTRA_NO_DEPS, pinned ==)" in way_out


RETRIED = (
    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken"
    " by 'ReadTimeoutError(\"HTTPSConnectionPool(host='files.example', port=443): Read timed out.\")': /grpcio.whl\n"
)


def test_a_download_retried_once_is_not_taken_for_an_unreachable_index(bake, monkeypatch):
    # Under load a download can time out once and get through on pip's retry: its verdict on the packages stands.
    monkeypatch.syspath_prepend(str(bake(keyword="retried") / "tools"))
    monkeypatch.delitem(sys.modules, "iris_pins", raising=False)
    tool = importlib.import_module("iris_pins")
    refused = RETRIED + "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/...\n"
    gave_up = RETRIED * 5 + "ERROR: No matching distribution found for grpcio>=1.80\n"

    assert tool.unreachable(refused) is None
    assert tool.unreachable(gave_up).startswith("WARNING: Retrying")


def test_make_check_says_so_and_skips_the_resolution_without_a_package_index(bake):
    folder = bake(preset="hunt", keyword="offline")
    # No configuration file, no local wheels, and an index nothing listens on.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://127.0.0.1:9/simple")

    done = make(folder, "check", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK    IRIS will accept this module" in done.stdout
    assert "SKIP  no package index reachable, so not checked" in done.stdout
    assert "Connection refused" in done.stdout  # what pip said
