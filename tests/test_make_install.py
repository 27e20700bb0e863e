"""`make install` and `make uninstall` send the right commands to docker or podman.

A fake container engine on PATH records its calls and answers `ps` as a running IRIS would.
"""

import shlex
import subprocess
import sys

import pytest

FAKE_ENGINE = """#!/bin/sh
echo "$0 $*" >> "{log}"
case "$1" in
  ps) [ -n "$RUNNING" ] && echo 0123456789ab ;;
esac
exit 0
"""


@pytest.fixture
def engine(tmp_path):
    log = tmp_path / "calls.log"
    path = tmp_path / "podman"
    path.write_text(FAKE_ENGINE.format(log=log))
    path.chmod(0o755)
    return path, log


def make(folder, target, engine, running):
    env = {"PATH": "/usr/bin:/bin", "RUNNING": "yes" if running else ""}
    command = ["make", target, f"ENGINE={engine}", f"PYTHON={sys.executable}"]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


def calls(log):
    return [shlex.split(line)[1:] for line in log.read_text().splitlines() if " ps " not in f"{line} "]


def test_install_copies_installs_and_restarts_in_both_containers(bake, engine):
    path, log = engine
    folder = bake(keyword="installme")

    done = make(folder, "install", path, running=True)

    assert done.returncode == 0, done.stdout + done.stderr
    wheel = "iris_installme_module-0.1.0-py3-none-any.whl"
    pip = ["/opt/venv/bin/pip", "install", "--no-deps", "--force-reinstall", f"/tmp/{wheel}"]
    assert calls(log) == [
        ["cp", f"dist/{wheel}", f"iriswebapp_app:/tmp/{wheel}"],
        ["exec", "iriswebapp_app", *pip],
        ["cp", f"dist/{wheel}", f"iriswebapp_worker:/tmp/{wheel}"],
        ["exec", "iriswebapp_worker", *pip],
        ["restart", "iriswebapp_app", "iriswebapp_worker"],
    ]


def test_install_adds_what_a_preset_needs_and_iris_lacks(bake, engine):
    path, log = engine
    folder = bake(keyword="hunter", preset="hunt")

    done = make(folder, "install", path, running=True)

    assert done.returncode == 0, done.stdout + done.stderr
    extra = ["/opt/venv/bin/pip", "install", "pyvelociraptor>=0.1.14"]
    assert [call for call in calls(log) if call[-1] == extra[-1]] == [
        ["exec", "iriswebapp_app", *extra],
        ["exec", "iriswebapp_worker", *extra],
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
