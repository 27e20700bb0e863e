"""`make install` and `make uninstall` send the right commands to docker or podman, under IRIS's pins.

A fake container engine on PATH records its calls and answers `ps` as a running IRIS would. Where
pip's answers matter, a second one also runs them: each container is a folder with a Python 3.9
venv at its /opt/venv, so pip really resolves there against IRIS's pins (iris-constraints.txt).
"""

import re
import shlex
import subprocess
import sys

import pytest
from conftest import TARGETS, rules
from iris_target import require_index, require_iris_python

FAKE_ENGINE = """#!/bin/sh
echo "$0 $*" >> "{log}"
case "$1" in
  ps) [ -n "$RUNNING" ] && echo 0123456789ab ;;
esac
exit 0
"""
# Like `docker exec`, which runs the command inside the container: here its paths are mapped into the
# container's folder. `cp` copies into it; `ps` finds every container running.
FOLDER_ENGINE = """#!{python}
import os, shlex, shutil, subprocess, sys

ROOT, LOG = {root!r}, {log!r}


def inside(container, path):
    return os.path.join(ROOT, container, path[1:]) if path.startswith(("/opt/", "/tmp/")) else path


command, *args = sys.argv[1:]
with open(LOG, "a") as log:
    log.write(shlex.join(sys.argv) + "\\n")
if command == "ps":
    print("0123456789ab")
elif command == "cp":
    source, target = args
    container, path = target.split(":", 1)
    shutil.copy(source, inside(container, path))
elif command == "exec":
    container, *argv = args
    sys.exit(subprocess.run([inside(container, arg) for arg in argv]).returncode)
"""
CONTAINERS = ("iriswebapp_app", "iriswebapp_worker")
PINS = rules.iris_pins.pins()


@pytest.fixture
def engine(tmp_path):
    log = tmp_path / "calls.log"
    path = tmp_path / "podman"
    path.write_text(FAKE_ENGINE.format(log=log))
    path.chmod(0o755)
    return path, log


def make(folder, target, engine, running, *variables):
    env = {"PATH": "/usr/bin:/bin", "RUNNING": "yes" if running else ""}
    command = ["make", target, f"ENGINE={engine}", f"PYTHON={sys.executable}", *variables]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


def calls(log):
    return [shlex.split(line)[1:] for line in log.read_text().splitlines() if " ps " not in f"{line} "]


UNDER_PINS = ["-c", "/tmp/iris-constraints.txt"]


def into(container, *commands):
    """The calls that install into one container: IRIS's pins first, then ``commands``."""
    return [["cp", "iris-constraints.txt", f"{container}:/tmp/iris-constraints.txt"], *commands]


def test_install_copies_installs_and_restarts_in_both_containers(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "install", path, running=True)

    assert done.returncode == 0, done.stdout + done.stderr
    wheel = "iris_installme_module-0.1.0-py3-none-any.whl"
    pip = ["/opt/venv/bin/pip", "install", "--no-deps", "--force-reinstall", *UNDER_PINS, f"/tmp/{wheel}"]
    assert calls(log) == [
        *into(
            "iriswebapp_app", ["cp", f"dist/{wheel}", f"iriswebapp_app:/tmp/{wheel}"], ["exec", "iriswebapp_app", *pip]
        ),
        *into(
            "iriswebapp_worker",
            ["cp", f"dist/{wheel}", f"iriswebapp_worker:/tmp/{wheel}"],
            ["exec", "iriswebapp_worker", *pip],
        ),
        ["restart", "iriswebapp_app", "iriswebapp_worker"],
    ]


def test_uninstall_removes_from_both_containers(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "uninstall", path, running=True)

    assert done.returncode == 0, done.stdout + done.stderr
    assert calls(log) == [
        ["exec", "iriswebapp_app", "/opt/venv/bin/pip", "uninstall", "-y", "iris-installme-module"],
        ["exec", "iriswebapp_worker", "/opt/venv/bin/pip", "uninstall", "-y", "iris-installme-module"],
        ["restart", "iriswebapp_app", "iriswebapp_worker"],
    ]


def test_install_stops_with_a_clear_message_when_iris_is_not_running(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "install", path, running=False)

    assert done.returncode != 0
    assert "iriswebapp_app is not running" in done.stdout
    assert calls(log) == []


def folder_engine(root, log):
    path = root / "engine"
    path.write_text(FOLDER_ENGINE.format(python=sys.executable, root=str(root), log=str(log)))
    path.chmod(0o755)
    return path


def iris_containers(root, *packages, target=None):
    """App and worker: each a folder with a fresh venv at /opt/venv holding ``packages``, on the IRIS line's Python."""
    python = require_iris_python((target or rules.iris_target.default()).python)
    for container in CONTAINERS:
        (root / container / "tmp").mkdir(parents=True)
        venv = root / container / "opt" / "venv"
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        if packages:
            subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", *packages], check=True)
    return root


def oldest_allowed(name, target=None):
    """``name`` at the oldest release IRIS's pin allows (``setuptools~=70.3.0`` -> ``setuptools==70.3.0``)."""
    version = re.fullmatch(r"[A-Za-z0-9._-]+(?:~=|>=|==)([^,]+)", rules.iris_pins.pins(target)[name]).group(1)
    return f"{name}=={version}"


def freeze(root, container):
    """Every distribution in the container's venv as ``name==version``, pip and setuptools included."""
    venv = root / container / "opt" / "venv"
    command = [venv / "bin" / "python", "-m", "pip", "list", "--format=freeze"]
    return set(subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines())


def in_container(root, container, code):
    python = root / container / "opt" / "venv" / "bin" / "python"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=root)


@pytest.fixture(scope="session")
def iris_like(tmp_path_factory):
    """Containers holding what a resolution beside IRIS touches: setuptools and cryptography at the
    oldest releases IRIS's pins allow. Tests that install nothing share them."""
    require_index()
    return iris_containers(tmp_path_factory.mktemp("iris"), *map(oldest_allowed, ("setuptools", "cryptography")))


def install_with_extra(bake, containers, tmp_path, extra):
    """``make install`` of a blank module asked for ``extra`` too: (its run, the engine's log, each container's freeze before)."""
    folder = bake(keyword="installme")
    log = tmp_path / "calls.log"
    before = {container: freeze(containers, container) for container in CONTAINERS}
    done = make(folder, "install", folder_engine(containers, log), True, f"EXTRA_PACKAGES='{extra}'")
    return done, log, before


def test_install_refuses_a_package_that_would_move_an_iris_pin_and_installs_nothing(bake, iris_like, tmp_path):
    done, log, before = install_with_extra(bake, iris_like, tmp_path, "requests==2.32.3")

    assert done.returncode != 0
    assert "IRIS pins requests==2.31.0 (iris-constraints.txt)" in done.stdout
    assert "the module asks for requests==2.32.3" in done.stdout
    assert "Nothing was installed" in done.stdout
    assert [call[:2] for call in calls(log)] == [["cp", "iris-constraints.txt"], ["exec", "iriswebapp_app"]]
    assert "--dry-run" in calls(log)[1]
    assert {container: freeze(iris_like, container) for container in CONTAINERS} == before


def test_install_refuses_to_upgrade_what_iris_has_even_within_its_pin(bake, iris_like, tmp_path):
    """cryptography>=46.0.7 (the Velociraptor client's declared floor) fits IRIS's cryptography>=39.0.1, yet
    would replace the one IRIS has."""
    done, log, before = install_with_extra(bake, iris_like, tmp_path, "cryptography>=46.0.7")

    assert done.returncode != 0
    assert "make install only adds packages beside IRIS's" in done.stderr
    assert "cryptography 39.0.1 would become" in done.stderr
    assert "IRIS pins cryptography>=39.0.1" in done.stderr
    assert "Nothing was installed" in done.stdout
    assert not [
        call
        for call in calls(log)
        if call[0] == "exec" and "--dry-run" not in call and call[2:3] != ["cat"] and "list" not in call
    ]
    assert {container: freeze(iris_like, container) for container in CONTAINERS} == before


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_install_adds_what_hunt_imports_beside_iris_pins_the_same_in_both_containers(bake, tmp_path, target):
    require_index()
    folder = bake(keyword="hunter", preset="hunt", iris_version=target.iris_version)
    pinned = [oldest_allowed(name, target) for name in ("setuptools", "cryptography")]
    root = iris_containers(tmp_path / "iris", *pinned, target=target)
    log = tmp_path / "calls.log"
    before = {container: freeze(root, container) for container in CONTAINERS}

    # Built and resolved on the line's Python, as its developer would (the project requires it).
    done = make(folder, "install", folder_engine(root, log), True, f"PYTHON={require_iris_python(target.python)}")

    assert done.returncode == 0, done.stdout + done.stderr
    after = {container: freeze(root, container) for container in CONTAINERS}
    for container in CONTAINERS:
        assert before[container] <= after[container], f"{container}: {before[container] - after[container]} moved"
    assert after["iriswebapp_app"] == after["iriswebapp_worker"]
    added = {line.split("==")[0].lower() for line in after["iriswebapp_app"] - before["iriswebapp_app"]}
    assert {"pyvelociraptor", "grpcio", "protobuf", "pyyaml", "iris-hunter-module"} <= added
    assert "grpcio-tools" not in added
    # What IRIS's processes import keeps working, and the client runs on IRIS's Python: it reaches
    # gRPC's channel (nothing listens on port 1) with every message built from pyvelociraptor's classes.
    for container in CONTAINERS:
        run = in_container(root, container, CLIENT_RUNS)
        assert run.stdout.startswith("cannot reach Velociraptor at 127.0.0.1:1"), run.stdout + run.stderr
    wheel = "iris_hunter_module-0.1.0-py3-none-any.whl"
    resolved = (folder / "dist" / "iris-extras.txt").read_text().split()
    assert all("==" in line for line in resolved) and any(line.startswith("grpcio==") for line in resolved)
    pip = "/opt/venv/bin/pip"
    assert calls(log) == [
        *into("iriswebapp_app"),
        [
            "exec",
            "iriswebapp_app",
            pip,
            "install",
            "--dry-run",
            "--report",
            "/tmp/iris_hunter_module-resolution.json",
            *UNDER_PINS,
            *HUNT_EXTRAS,
        ],
        ["exec", "iriswebapp_app", "cat", "/tmp/iris_hunter_module-resolution.json"],
        ["exec", "iriswebapp_app", pip, "list", "--format=json"],
        *[
            call
            for container in CONTAINERS
            for call in into(
                container,
                ["cp", "dist/iris-extras.txt", f"{container}:/tmp/iris_hunter_module-extras.txt"],
                ["exec", container, pip, "install", *UNDER_PINS, "-r", "/tmp/iris_hunter_module-extras.txt"],
                ["exec", container, pip, "install", "--no-deps", *UNDER_PINS, "pyvelociraptor==0.1.14"],
                ["cp", f"dist/{wheel}", f"{container}:/tmp/{wheel}"],
                ["exec", container, pip, "install", "--no-deps", "--force-reinstall", *UNDER_PINS, f"/tmp/{wheel}"],
            )
        ],
        ["restart", *CONTAINERS],
    ]


HUNT_EXTRAS = ["grpcio>=1.80", "protobuf>=6.31.1,<7", "pyyaml>=6", "cryptography>=39.0.1"]
CLIENT_RUNS = """
import datetime, json
from types import SimpleNamespace
import pkg_resources, cryptography, grpc, yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyvelociraptor import api_pb2, api_pb2_grpc
from iris_hunter_module import client
# A certificate and key that load (the client checks them before connecting), made with IRIS's cryptography.
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "dfir-iris")])
now = datetime.datetime.now(datetime.timezone.utc)
builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
builder = builder.serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
pem = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
key_pem = key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
config = {"api_connection_string": "127.0.0.1:1", "ca_certificate": pem, "client_cert": pem,
          "client_private_key": key_pem}
settings = SimpleNamespace(api_config=json.dumps(config), server_name="", org_id="", timeout=5)
try:
    client.connect(settings)("SELECT * FROM info()", {"Value": "x"}, 5)
except client.VelociraptorError as error:
    print(error)
"""
