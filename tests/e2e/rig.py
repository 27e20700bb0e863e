"""The e2e suite's workbench: one native IRIS, the `make install` path into it, and what IRIS recorded.

One Rig per test session (``conftest.py``). Each scenario bakes a module, installs it with the baked
project's own ``make install`` through the ``engine`` stand-in, drives it through the API, and
hands the venv back as it found it (``restore``), so a module that broke IRIS cannot break the next.
"""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import iris_server
from .iris_api import IrisApi, wait_for

HERE = Path(__file__).resolve().parent
ENGINE = HERE / "engine"

# Reads IRIS's task results table (iris_tasks.celery_taskmeta) in IRIS's venv, where the pickled
# IIStatus can be loaded (iris_interface); prints one JSON object per task.
READ_TASKS = r"""
import base64, io, json, pickle, sys
import psycopg2


class Stub:
    # An IRIS class (app.models...) outside IRIS: kept as its state, shown by repr
    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.__dict__["state"] = state

    def __repr__(self):
        return f"<{type(self).__name__} {self.__dict__.get('state')!r}>"


class Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith("sqlalchemy.orm"):  # an ORM row's state needs IRIS's mappers
            return type(name, (Stub,), {})
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return type(name, (Stub,), {})


connection = psycopg2.connect(sys.argv[1])
cursor = connection.cursor()
cursor.execute("SELECT task_id, name, status, kwargs, result, traceback, date_done FROM celery_taskmeta"
               " ORDER BY date_done")
for task_id, name, status, kwargs, result, traceback, date_done in cursor.fetchall():
    kwargs, result = bytes(kwargs or b""), bytes(result or b"")
    row = {"task_id": task_id, "name": name, "status": status, "traceback": traceback or "",
           "raw": (kwargs + result).decode("latin-1"), "date_done": str(date_done)}
    try:
        row.update(json.loads(kwargs.decode()) if kwargs else {})
    except ValueError:
        pass
    # What the hook got: "<signature> <base64 of the pickled objects>" (module_handler.py:543-544)
    objects = str(row.pop("data", "")).rpartition(" ")[2]
    try:
        row["raw"] += base64.b64decode(objects).decode("latin-1")
    except ValueError:
        pass
    try:
        status_ = Unpickler(io.BytesIO(result)).load()
        row.update(success=status_.is_success(), message=str(status_.get_message()),
                   logs=[str(line) for line in (status_.get_logs() or [])], result=repr(status_.get_data()))
    except Exception as error:
        row.update(success=None, message=f"unreadable result: {error!r}", logs=[], result="")
    print(json.dumps(row))
"""


@dataclass
class Install:
    """What one `make install` did."""

    returncode: int
    output: str
    restarts: list
    before: dict
    after: dict
    pins: set
    seconds: float
    started: bool = False  # IRIS came back after the restart
    start_error: str = ""

    def moved_pins(self):
        """``{name: (before, after)}`` for each of IRIS's pinned packages the install changed or removed."""
        return {
            name: (self.before[name], self.after.get(name))
            for name in sorted(self.pins & set(self.before))
            if self.after.get(name) != self.before[name]
        }


@dataclass
class Rig:
    source: Path
    target: object  # the IRIS line it runs (rules.lines.Line): the modules are baked for it
    python: str
    venv: Path
    postgres: iris_server.Postgres
    iris: iris_server.Iris
    folder: Path
    figures: dict = field(default_factory=dict)

    @property
    def api(self):
        return IrisApi(self.iris.url, self.iris.api_key)

    @property
    def engine_state(self):
        return self.folder / "engine"

    def mark_running(self):
        """Tell the engine stand-in which processes are "the containers", and their logs (engine: iris_runs, logs)."""
        self.engine_state.mkdir(parents=True, exist_ok=True)
        pids = [str(process.pid) for process in (self.iris.web, self.iris.worker) if process is not None]
        (self.engine_state / "running").write_text(" ".join(pids))
        (self.engine_state / "logs").write_text(f"{self.iris.web_log}\n{self.iris.worker_log}\n")
        # What a container's processes see in their environment (docker-compose's .env): IRIS's settings.
        environment = {name: value for name, value in self.iris.environment().items() if name not in os.environ}
        (self.engine_state / "environment.json").write_text(json.dumps(environment))

    def start(self):
        started = time.monotonic()
        self.iris.start()
        self.mark_running()
        seconds = time.monotonic() - started
        self.figures.setdefault("iris_start_seconds", []).append(round(seconds, 2))
        return seconds

    def restart(self):
        self.iris.stop()
        return self.start()

    # ------------------------------------------------------------ make install

    def make(self, folder, target="install", env=None, timeout=900, **variables):
        """Run the baked project's own ``make <target>`` against this IRIS; the finished process.

        A restart it asks of the engine is done meanwhile, as docker does it: the engine waits for
        ``restarted`` to answer (``serve_restarts``).
        """
        variables = {"ENGINE": str(ENGINE), "IRIS_PIP": str(self.venv / "bin" / "pip"), "PYTHON": self.make_python(),
                     "IRIS_APP_DIR": str(self.source / "source"), **variables}  # fmt: skip
        env = {**os.environ, **(env or {}), "E2E_ENGINE_STATE": str(self.engine_state)}
        env.pop("MAKEFLAGS", None)
        command = ["make", target, *(f"{name}={value}" for name, value in variables.items())]
        self.engine_state.mkdir(parents=True, exist_ok=True)
        with subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as process:  # fmt: skip
            output = {}
            readers = [threading.Thread(target=lambda name, stream: output.__setitem__(name, stream.read()),
                                        args=(name, stream)) for name, stream in (("out", process.stdout),
                                                                                  ("err", process.stderr))]  # fmt: skip
            for reader in readers:
                reader.start()
            deadline = time.monotonic() + timeout
            while process.poll() is None:
                self.serve_restarts()
                if time.monotonic() > deadline:
                    process.kill()
                    raise subprocess.TimeoutExpired(command, timeout)
                time.sleep(0.2)
            for reader in readers:
                reader.join()
        return subprocess.CompletedProcess(command, process.returncode, output["out"], output["err"])

    def serve_restarts(self):
        """Restart IRIS for each restart the engine was asked and not yet answered; "ok" or why not."""
        asked = self.engine_state / "restarts"
        answered = self.engine_state / "restarted"
        count = len(asked.read_text().splitlines()) if asked.exists() else 0
        done = len(answered.read_text().splitlines()) if answered.exists() else 0
        for _ in range(count - done):
            try:
                self.restart()
                answer = "ok"
            except RuntimeError as error:
                answer = " ".join(str(error).split())[:2000]
            with open(answered, "a") as file:
                file.write(answer + "\n")

    def make_python(self):
        """A Python the baked project accepts (requires-python is its line's): this one, or the line's when this is older."""
        line = tuple(int(part) for part in self.target.python.split("."))
        return sys.executable if sys.version_info[:2] >= line else self.python

    def install(self, folder, target="install", env=None, **variables):
        """``make install`` (or a target that runs it), with the restart it asks for; what changed in IRIS's venv."""
        for name in ("restarts", "restarted"):
            (self.engine_state / name).unlink(missing_ok=True)
        before = iris_server.installed(self.venv)
        started = time.monotonic()
        done = self.make(folder, target, env=env, **variables)
        asked, answered = (self.engine_state / "restarts", self.engine_state / "restarted")
        answers = answered.read_text().splitlines() if answered.exists() else []
        result = Install(done.returncode, done.stdout + done.stderr, asked.read_text().split() if asked.exists() else [],
                         before, iris_server.installed(self.venv), iris_server.pinned_names(self.venv), 0.0,
                         started=bool(answers) and all(answer == "ok" for answer in answers),
                         start_error="; ".join(answer for answer in answers if answer != "ok"))  # fmt: skip
        result.seconds = time.monotonic() - started
        return result

    def imports(self, statement):
        """Whether IRIS's venv python runs ``statement``; its stderr's last line when not."""
        done = subprocess.run([str(self.venv / "bin" / "python"), "-c", statement], capture_output=True, text=True)
        return done.returncode == 0, (done.stderr.strip().splitlines() or [""])[-1]

    def forget(self, module):
        """Take a scenario's module out of IRIS (its row, its package, what it installed)."""
        if self.iris.running() and module.id:
            self.api.remove_module(module.id)
        self.restore()

    def restore(self):
        """Hand IRIS's venv back as it was built, and IRIS running on it."""
        added, moved = iris_server.restore_venv(self.venv, self.source)
        left = iris_server.differences(self.venv)
        assert not left, f"IRIS's venv could not be put back as built: {left}"
        if moved or not self.iris.running():
            self.restart()
        return added, moved

    # ------------------------------------------------------------ what IRIS recorded

    def tasks(self):
        """Every row of IRIS's task results table, decoded (READ_TASKS)."""
        done = subprocess.run([str(self.venv / "bin" / "python"), "-c", READ_TASKS,
                               self.postgres.url("iris_tasks")], capture_output=True, text=True)  # fmt: skip
        if done.returncode:
            raise AssertionError(f"Reading iris_tasks.celery_taskmeta failed: {done.stderr}")
        return [json.loads(line) for line in done.stdout.splitlines()]

    def wait_for_tasks(self, package, hook, count=1, timeout=90, earlier=()):
        """The API's DIM tasks of ``package`` for ``hook`` once there are ``count`` (GET /dim/tasks/list),
        leaving out the ``earlier`` ones."""
        name = f"{package}::{hook}"

        def done():
            rows = [row for row in self.api.tasks() if row["module"] == name and row["task_id"] not in earlier]
            return rows if len(rows) >= count else None

        return wait_for(done, timeout, what=f"{count} DIM task(s) {name} (worker log: {self.iris.worker_log})")

    def task_details(self, package, hook):
        return [row for row in self.tasks() if row.get("module_name") == package and row.get("hook_name") == hook]

    def where_secret_appears(self, marker):
        """The places IRIS kept ``marker``: task rows (kwargs and result, unpickled) and its two logs."""
        places = [f"task {row['task_id']} ({row.get('hook_name')})" for row in self.tasks()
                  if marker in row["raw"] or marker in json.dumps(row)]  # fmt: skip
        for log in (self.iris.web_log, self.iris.worker_log):
            if marker in iris_server.read_from(log, 0):
                places.append(log.name)
        return places
