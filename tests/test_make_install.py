"""`make install` and `make uninstall` send the right commands to docker or podman, beside what IRIS has.

A fake container engine on PATH records its calls and answers `ps` as a running IRIS would. Where
pip's answers matter, a second one also runs them: each container is a folder with a venv of the
IRIS line's Python at its /opt/venv, holding what an IRIS holds of what matters, so pip really
resolves there against what is installed, and the module's loader check runs there.
"""

import re
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import LINES, rules
from this_machine import require_index, require_iris_python

FAKE_ENGINE = """#!/bin/sh
echo "$0 $*" >> "{log}"
case "$1" in
  ps) [ -n "$RUNNING" ] && echo 0123456789ab ;;
  exec) case "$*" in *"list --format=json"*) echo '[{{"name": "requests", "version": "2.31.0"}}]' ;; esac ;;
  restart) [ -n "$WORKER_STARTS" ] && echo "[INFO/MainProcess] celery@worker ready." >> "{log}.worker" ;;
  logs) cat "{log}.worker" 2>/dev/null ;;
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
elif command == "restart":  # the worker says it consumes again
    with open(LOG + ".worker", "a") as worker:
        worker.write("[INFO/MainProcess] celery@worker ready.\\n")
elif command == "logs":
    if os.path.exists(LOG + ".worker"):
        print(open(LOG + ".worker").read(), end="")
elif command == "exec":
    cwd = None
    if args[0] == "-w":
        cwd, args = args[1], args[2:]
    container, *argv = args
    where = inside(container, cwd) if cwd else None
    sys.exit(subprocess.run([inside(container, arg) for arg in argv], cwd=where).returncode)
"""
CONTAINERS = ("iriswebapp_app", "iriswebapp_worker")
PINS = rules.pins.pins()


@pytest.fixture
def engine(tmp_path):
    log = tmp_path / "calls.log"
    path = tmp_path / "podman"
    path.write_text(FAKE_ENGINE.format(log=log))
    path.chmod(0o755)
    return path, log


def make(folder, target, engine, running, *variables, worker_starts=True):
    env = {
        "PATH": "/usr/bin:/bin",
        "RUNNING": "yes" if running else "",
        "WORKER_STARTS": "yes" if worker_starts else "",
    }
    command = ["make", target, f"ENGINE={engine}", f"PYTHON={sys.executable}", *variables]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


def calls(log):
    """What the engine was asked, but ``ps`` and ``logs`` (which only read)."""
    return [
        shlex.split(line)[1:] for line in log.read_text().splitlines() if shlex.split(line)[1] not in ("ps", "logs")
    ]


def beside_installed(package):
    return ["-c", f"/tmp/{package}-installed.txt"]


def listed():
    """``make install`` reads what each container holds first."""
    return [["exec", container, "/opt/venv/bin/pip", "list", "--format=json"] for container in CONTAINERS]


def into(container, package, *commands):
    """The calls that install into one container: what IRIS has, as constraints, first, then ``commands``."""
    return [["cp", "dist/iris-installed.txt", f"{container}:/tmp/{package}-installed.txt"], *commands]


def proved(package):
    """The calls that prove the module loads in each container, with the project's own loader check."""
    check = f"/tmp/{package}-check"
    return [
        call
        for container in CONTAINERS
        for call in [
            ["exec", container, "mkdir", "-p", check],
            *[["cp", f"tests/{name}", f"{container}:{check}/{name}"] for name in LOADER_CHECK],
            ["exec", "-w", check, container, "/opt/venv/bin/python", f"{check}/fake_iris.py", package],
        ]
    ]


LOADER_CHECK = ("fake_iris.py", "iris_hooks.json", "iris_rows.json")


def test_install_copies_installs_and_restarts_in_both_containers(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "install", path, running=True)

    assert done.returncode == 0, done.stdout + done.stderr
    package = "iris_installme_module"
    wheel = f"{package}-0.1.0-py3-none-any.whl"
    pip = [
        "/opt/venv/bin/pip",
        "install",
        "--no-deps",
        "--force-reinstall",
        *beside_installed(package),
        f"/tmp/{wheel}",
    ]
    assert calls(log) == [
        *listed(),
        *[
            call
            for container in CONTAINERS
            for call in into(
                container, package, ["cp", f"dist/{wheel}", f"{container}:/tmp/{wheel}"], ["exec", container, *pip]
            )
        ],
        *proved(package),
        ["restart", "iriswebapp_app", "iriswebapp_worker"],
    ]
    assert (folder / "dist" / "iris-installed.txt").read_text().split() == ["requests==2.31.0"]
    assert "OK    IRIS's worker in iriswebapp_worker is back and consuming tasks" in done.stdout


def test_install_fails_naming_the_worker_when_it_does_not_come_back_after_the_restart(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "install", path, True, "WORKER_WAIT=2", worker_starts=False)

    assert done.returncode != 0
    assert 'IRIS\'s worker in iriswebapp_worker did not say "ready." within 2s of the restart' in done.stdout
    assert "make uninstall" in done.stdout
    assert calls(log)[-1] == ["restart", "iriswebapp_app", "iriswebapp_worker"]
    # It asked the worker's log, not the app's, and more than once.
    asked = [line.split()[1:] for line in log.read_text().splitlines() if line.split()[1] == "logs"]
    assert len(asked) >= 2 and set(map(tuple, asked)) == {("logs", "iriswebapp_worker")}


def test_install_refuses_a_module_named_as_one_iris_pins_and_installs_nothing(bake, engine, tmp_path):
    # Renamed by hand, or baked before IRIS's line bundled a module of this name: the install would replace
    # IRIS's own module (or pip would refuse it half-way), so it stops once it has read what IRIS holds.
    path, log = engine
    folder = shutil.copytree(bake(keyword="installme"), tmp_path / "taken")
    constraints = folder / "iris-constraints.txt"
    constraints.write_text(constraints.read_text("utf-8") + "iris-installme-module==1.0.8\n", encoding="utf-8")

    done = make(folder, "install", path, running=True)

    assert done.returncode != 0
    assert "FAIL  IRIS pins iris-installme-module==1.0.8 (iris-constraints.txt)" in done.stderr
    assert "Nothing was installed." in done.stdout
    assert calls(log) == listed()


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


def test_a_requirement_with_a_range_as_pyproject_writes_it_reaches_pip_whole_and_leaves_no_file(bake, engine):
    # As typed in a shell: make install EXTRA_PACKAGES='pymisp>=2.4.172,<2.5' (the shell takes the quotes off).
    path, log = engine
    folder = bake(keyword="installme")
    before = sorted(item.name for item in folder.iterdir())

    done = make(folder, "install", path, True, "EXTRA_PACKAGES=pymisp>=2.4.172,<2.5 Deprecated")

    assert "cannot open" not in done.stderr and "No such file" not in done.stderr, done.stderr
    dry_run = next(call for call in calls(log) if "--dry-run" in call)
    assert dry_run[-2:] == ["pymisp>=2.4.172,<2.5", "Deprecated"]  # each requirement one word, as typed
    made = {item.name for item in folder.iterdir()} - set(before)
    assert made <= {"dist", "build", "iris_installme_module.egg-info"}  # make wheel's, and no file "=2.4.172,"
    assert not [item.name for item in (folder / "dist").iterdir() if item.name.startswith("=")]


def folder_engine(root, log):
    path = root / "engine"
    path.write_text(FOLDER_ENGINE.format(python=sys.executable, root=str(root), log=str(log)))
    path.chmod(0o755)
    return path


def iris_containers(root, *packages, target=None):
    """App and worker: each a folder with a fresh venv at /opt/venv holding ``packages``, on the IRIS line's Python."""
    python = require_iris_python((target or rules.lines.default()).python)
    for container in CONTAINERS:
        (root / container / "tmp").mkdir(parents=True)
        venv = root / container / "opt" / "venv"
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        if packages:
            subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", *packages], check=True)
    return root


def oldest_allowed(name, target=None):
    """``name`` at the oldest release IRIS's pin allows (``setuptools~=70.3.0`` -> ``setuptools==70.3.0``)."""
    version = re.fullmatch(r"[A-Za-z0-9._-]+(?:~=|>=|==)([^,]+)", rules.pins.pins(target)[name]).group(1)
    return f"{name}=={version}"


def freeze(root, container):
    """Every distribution in the container's venv as ``name==version``, pip and setuptools included."""
    venv = root / container / "opt" / "venv"
    command = [venv / "bin" / "python", "-m", "pip", "list", "--format=freeze"]
    return set(subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines())


def in_container(root, container, code):
    python = root / container / "opt" / "venv" / "bin" / "python"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=root)


# What an IRIS holds of what matters here: what a resolution beside it touches (setuptools, cryptography,
# requests) and what the module's loader check imports (iris-interface, celery, packaging).
IRIS_HOLDS = ("setuptools", "cryptography", "requests", "iris-interface", "celery", "packaging")


def like_iris(target=None):
    """IRIS_HOLDS at the oldest releases the IRIS line's pins allow."""
    return [oldest_allowed(name, target) for name in IRIS_HOLDS]


@pytest.fixture(scope="session")
def iris_like(tmp_path_factory):
    """Containers holding IRIS_HOLDS as IRIS's pins have them. Tests that install nothing share them."""
    require_index()
    return iris_containers(tmp_path_factory.mktemp("iris"), *like_iris())


def install_with_extra(bake, containers, tmp_path, extra):
    """``make install`` of a blank module asked for ``extra`` too: (its run, the engine's log, each container's freeze before)."""
    folder = bake(keyword="installme")
    log = tmp_path / "calls.log"
    before = {container: freeze(containers, container) for container in CONTAINERS}
    extras = [f"EXTRA_PACKAGES='{extra}'"] if extra else []
    done = make(folder, "install", folder_engine(containers, log), True, *extras)
    return done, log, before


def test_install_refuses_a_package_that_would_move_what_iris_has_and_installs_nothing(bake, iris_like, tmp_path):
    done, log, before = install_with_extra(bake, iris_like, tmp_path, "requests==2.32.3")

    assert done.returncode != 0
    assert "IRIS has requests==2.31.0 installed" in done.stdout
    assert "the module asks for requests==2.32.3" in done.stdout
    assert "Nothing was installed" in done.stdout
    assert [call[:2] for call in calls(log)] == [
        ["exec", "iriswebapp_app"], ["exec", "iriswebapp_worker"], ["cp", "dist/iris-installed.txt"],
        ["exec", "iriswebapp_app"],
    ]  # fmt: skip
    assert "--dry-run" in calls(log)[3]
    assert {container: freeze(iris_like, container) for container in CONTAINERS} == before


def test_install_fits_beside_a_later_patch_release_whose_packages_differ_from_the_baked_pins(bake, tmp_path):
    """An IRIS whose requests is newer than the release's pin (a later 2.4.x): a package depending on
    requests goes in, nothing installed moves, and the module loads in both containers."""
    require_index()
    newer = [line if not line.startswith("requests==") else "requests==2.32.3" for line in like_iris()]
    containers = iris_containers(tmp_path / "iris", *newer)

    done, _, before = install_with_extra(bake, containers, tmp_path, "requests-toolbelt==1.0.0")

    assert done.returncode == 0, done.stdout + done.stderr
    after = {container: freeze(containers, container) for container in CONTAINERS}
    for container in CONTAINERS:
        assert before[container] <= after[container], f"{container}: {before[container] - after[container]} moved"
        assert f"OK    iris_installme_module loads in {container}" in done.stdout
    assert "requests==2.32.3" in after["iriswebapp_app"]


def test_install_refuses_containers_that_hold_different_packages(bake, tmp_path):
    require_index()
    containers = iris_containers(tmp_path / "iris", *like_iris())
    worker = containers / "iriswebapp_worker" / "opt" / "venv" / "bin" / "python"
    subprocess.run([worker, "-m", "pip", "install", "-q", "requests==2.32.3"], check=True)

    done, log, before = install_with_extra(bake, containers, tmp_path, "")

    assert done.returncode != 0
    assert "IRIS's containers do not hold the same packages" in done.stderr
    assert "requests: requests==2.31.0 in iriswebapp_app, requests==2.32.3 in iriswebapp_worker" in done.stderr
    assert [call[0] for call in calls(log)] == ["exec", "exec"]  # read, nothing installed


def test_install_stops_before_restarting_when_the_module_does_not_load_in_a_container(bake, iris_like, tmp_path):
    folder = bake(keyword="installme")
    log = tmp_path / "calls.log"
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    init = broken / "iris_installme_module" / "__init__.py"
    init.write_text(init.read_text().replace('Interface"', 'Interfaces"'))

    done = make(broken, "install", folder_engine(iris_like, log), True)

    assert done.returncode != 0
    assert "FAIL  iris_installme_module does not load in iriswebapp_app" in done.stdout
    assert "IRIS was not restarted" in done.stdout
    assert not [call for call in calls(log) if call[0] == "restart"]
    subprocess.run(["make", "uninstall", f"ENGINE={folder_engine(iris_like, log)}"], cwd=broken, capture_output=True)


def test_install_refuses_to_upgrade_what_iris_has_even_within_its_pin(bake, iris_like, tmp_path):
    """cryptography>=46.0.7 (the Velociraptor client's declared floor) fits IRIS's cryptography>=39.0.1, yet
    would replace the one IRIS has."""
    done, log, before = install_with_extra(bake, iris_like, tmp_path, "cryptography>=46.0.7")

    assert done.returncode != 0
    assert "IRIS has cryptography==39.0.1 installed" in done.stdout
    assert "Nothing was installed" in done.stdout
    assert not [
        call
        for call in calls(log)
        if call[0] == "exec" and "--dry-run" not in call and call[2:3] != ["cat"] and "list" not in call
    ]
    assert {container: freeze(iris_like, container) for container in CONTAINERS} == before


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_install_adds_what_hunt_imports_beside_iris_pins_the_same_in_both_containers(bake, tmp_path, target):
    require_index()
    folder = bake(keyword="hunter", preset="hunt", iris_version=target.iris_version)
    root = iris_containers(tmp_path / "iris", *like_iris(target), target=target)
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
    package = "iris_hunter_module"
    wheel = f"{package}-0.1.0-py3-none-any.whl"
    resolved = (folder / "dist" / "iris-extras.txt").read_text().split()
    assert all("==" in line for line in resolved) and any(line.startswith("grpcio==") for line in resolved)
    pip, under = "/opt/venv/bin/pip", beside_installed(package)
    resolution = f"/tmp/{package}-resolution.json"
    assert calls(log) == [
        *listed(),
        ["cp", "dist/iris-installed.txt", f"iriswebapp_app:/tmp/{package}-installed.txt"],
        ["exec", "iriswebapp_app", pip, "install", "--dry-run", "--report", resolution, *under, *HUNT_EXTRAS],
        ["exec", "iriswebapp_app", "cat", resolution],
        *[
            call
            for container in CONTAINERS
            for call in into(
                container,
                package,
                ["cp", "dist/iris-extras.txt", f"{container}:/tmp/{package}-extras.txt"],
                ["exec", container, pip, "install", *under, "-r", f"/tmp/{package}-extras.txt"],
                ["exec", container, pip, "install", "--no-deps", *under, "pyvelociraptor==0.1.14"],
                ["cp", f"dist/{wheel}", f"{container}:/tmp/{wheel}"],
                ["exec", container, pip, "install", "--no-deps", "--force-reinstall", *under, f"/tmp/{wheel}"],
            )
        ],
        *proved(package),
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
