"""The docker stand-in maps each verb `make install` uses onto the native IRIS, for any cp and exec."""

import os
import subprocess
import sys

import pytest

from .rig import ENGINE


@pytest.fixture
def engine(tmp_path):
    state = tmp_path / "state"

    def run(*args, running=True):
        state.mkdir(exist_ok=True)
        (state / "running").write_text(str(os.getpid()) if running else "")
        env = {**os.environ, "E2E_ENGINE_STATE": str(state)}
        return subprocess.run([str(ENGINE), *args], env=env, capture_output=True, text=True)

    run.state = state
    return run


def test_ps_answers_an_id_for_each_container_only_while_iris_runs(engine):
    wanted = ["ps", "--quiet", "--filter", "name=^iriswebapp_worker$", "--filter", "status=running"]
    assert engine(*wanted).stdout.split() == ["e2e0000000001"]
    assert engine(*wanted, running=False).stdout == ""
    assert engine("ps", "--quiet", "--filter", "name=^elsewhere$").stdout == ""


def test_cp_then_exec_see_the_containers_file_at_its_container_path(engine, tmp_path):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("setuptools==70.3.0\n")
    assert engine("cp", str(constraints), "iriswebapp_app:/tmp/iris-constraints.txt").returncode == 0

    show = "import sys; print(sys.argv[1:])"
    done = engine("exec", "iriswebapp_app", sys.executable, "-c", show, "-c", "/tmp/iris-constraints.txt",
                  "--constraint=/tmp/iris-constraints.txt", "/opt/venv/bin/pip")  # fmt: skip
    inside = engine.state / "containers" / "iriswebapp_app" / "tmp" / "iris-constraints.txt"
    assert done.stdout.strip() == str(["-c", str(inside), f"--constraint={inside}", "/opt/venv/bin/pip"])
    shell = engine("exec", "iriswebapp_app", "sh", "-c", "cat /tmp/iris-constraints.txt")
    assert shell.stdout == "setuptools==70.3.0\n"
    assert engine("exec", "iriswebapp_worker", "cat", "/tmp/iris-constraints.txt").returncode != 0, (
        "each container has its own files"
    )


def test_make_installs_resolve_step_reads_back_what_pip_wrote_in_the_first_container(engine, tmp_path):
    """`make resolve`: pip --dry-run --report FILE in the container, then `exec C cat FILE` and `pip list --format=json`."""
    constraints = tmp_path / "iris-constraints.txt"
    constraints.write_text("setuptools==70.3.0\n")
    engine("cp", str(constraints), "iriswebapp_app:/tmp/iris-constraints.txt")
    report = f"/tmp/e2e-{os.getpid()}-resolution.json"
    pip = "import sys; open(sys.argv[sys.argv.index('--report') + 1], 'w').write('{\"install\": []}')"
    done = engine("exec", "iriswebapp_app", sys.executable, "-c", pip, "install", "--dry-run", "--report", report,
                  "-c", "/tmp/iris-constraints.txt", "grpcio>=1.80")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (engine.state / "containers" / "iriswebapp_app" / report.lstrip("/")).is_file()
    assert not os.path.exists(report), "the report was written outside the container's folder"
    assert engine("exec", "iriswebapp_app", "cat", report).stdout == '{"install": []}'
    listed = engine("exec", "iriswebapp_app", sys.executable, "-c", "import sys; print(sys.argv[1:])", "list",
                    "--format=json")  # fmt: skip
    assert listed.stdout.strip() == str(["list", "--format=json"])


def test_exec_returns_the_commands_exit_status(engine):
    assert engine("exec", "iriswebapp_app", "sh", "-c", "exit 3").returncode == 3
    refused = engine("exec", "somebody_else", "true")
    assert refused.returncode != 0 and "No such container: somebody_else" in refused.stderr


def test_restart_returns_once_the_suite_restarted_iris_and_fails_when_it_could_not(engine):
    engine.state.mkdir(exist_ok=True)
    (engine.state / "restarted").write_text("ok\nthe worker exited with 1\n")  # the suite's answers, ahead
    assert engine("restart", "iriswebapp_app", "iriswebapp_worker").returncode == 0
    assert (engine.state / "restarts").read_text() == "iriswebapp_app iriswebapp_worker\n"
    failed = engine("restart", "iriswebapp_app", "iriswebapp_worker")
    assert failed.returncode != 0 and "the worker exited with 1" in failed.stderr


def test_logs_are_the_web_apps_for_the_first_container_and_the_workers_for_the_others(engine, tmp_path):
    web, worker = tmp_path / "web.log", tmp_path / "worker.log"
    web.write_text("Listening at: http://127.0.0.1\n")
    worker.write_text("celery@host ready.\n")
    engine.state.mkdir(exist_ok=True)
    (engine.state / "logs").write_text(f"{web}\n{worker}\n")
    assert engine("logs", "iriswebapp_app").stdout == web.read_text()
    assert engine("logs", "iriswebapp_worker").stdout == worker.read_text()
