"""A native IRIS (2.4.20, or iris-web's develop line), no Docker: its venv, a PostgreSQL cluster of our own,
the web app and one worker.

Every quirk followed here is in ``../shared/real-iris.md``; the iris-web files each step relies on
are named beside it. ``IRIS_WEB_SOURCE`` is a checkout of iris-web (read-only: the venv, the data,
the uploads and the logs all go elsewhere).
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from this_machine import iris_python

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iris-skeleton-e2e"
# They need evtx binaries the source tree lacks (source/dependencies/evtxdump_binaries), and no
# module of ours uses them.
UNBUILDABLE = ("evtx2splunk", "iris_evtx")
ADMIN_USER = "administrator"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_python(version):
    """A Python ``version`` ("3.9"), the one IRIS's images run, when the machine has it (found as the
    template's other tests find it: tests/this_machine.py); else this one."""
    return iris_python(version) or sys.executable


def source_python(source):
    """The Python IRIS's images run: ``FROM python:X.Y`` in docker/webApp/Dockerfile (3.9 in 2.4.20, 3.12 in
    develop at a4d5121f); None when the checkout has no such line."""
    dockerfile = Path(source) / "docker" / "webApp" / "Dockerfile"
    if not dockerfile.is_file():
        return None
    found = re.search(r"^FROM python:(\d+\.\d+)", dockerfile.read_text(), re.MULTILINE)
    return found.group(1) if found else None


# ---------------------------------------------------------------- IRIS's venv, cached


def requirements(source, python):
    """IRIS's source/requirements.txt, its wheel paths made absolute, minus what cannot be installed here."""
    minor = subprocess.run([python, "-c", "import sys; print(sys.version_info[1])"], capture_output=True,
                           text=True, check=True).stdout.strip()  # fmt: skip
    lines = []
    for line in (source / "source" / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or any(name in line for name in UNBUILDABLE):
            continue
        if line.startswith("eventlet") and int(minor) >= 11:
            continue  # eventlet 0.30.2 does not install on 3.11; gunicorn runs gthread here anyway
        if line.startswith("dependencies/"):
            line = str(source / "source" / line)
        lines.append(line)
    return lines, f"3.{minor}"


def venv_path(source, python):
    lines, version = requirements(source, python)
    key = hashlib.sha256(("\n".join(lines) + version).encode()).hexdigest()[:16]
    return CACHE / f"venv-py{version}-{key}", lines, version


def ensure_venv(source, python, log=print):
    """IRIS's venv, built once per requirements and Python version; ``(path, seconds spent, built?)``."""
    path, lines, version = venv_path(source, python)
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(CACHE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs at once build it once
        if (path / "complete").exists():
            return path, time.monotonic() - started, False
        shutil.rmtree(path, ignore_errors=True)  # a build that was cut short
        log(f"Building IRIS's venv in {path} (once per requirements and Python version)")
        run([python, "-m", "venv", str(path)])
        (path / "iris-requirements.txt").write_text("\n".join(lines) + "\n")
        run([str(path / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "-r", str(path / "iris-requirements.txt")])  # fmt: skip
        if source_python(source) in ("3.8", "3.9") and version not in ("3.8", "3.9"):
            # IRIS 2.4's old pinned packages use names Python 3.10 dropped from `collections`.
            (path / "shim").mkdir(exist_ok=True)
            (path / "shim" / "sitecustomize.py").write_text(
                "import collections, collections.abc\n"
                "for _name in ('Iterable', 'Mapping', 'MutableMapping', 'Sequence', 'Callable', 'MutableSet'):\n"
                "    setattr(collections, _name, getattr(collections.abc, _name))\n"
            )
        (path / "baseline.json").write_text(json.dumps(installed(path), indent=1, sort_keys=True))
        (path / "complete").write_text(version)
    return path, time.monotonic() - started, True


def run(command):
    """Run a build step quietly; its output in the error when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done


@contextlib.contextmanager
def exclusive(venv, timeout=1800):
    """Hold the venv for one test run: a second run on this machine waits for the first."""
    with open(f"{venv}.lock", "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{venv} stayed in use by another e2e run for {timeout}s") from None
                time.sleep(1)
        yield


def installed(venv):
    """``{normalised name: version}`` of every distribution in the venv."""
    code = (
        "import importlib.metadata as m, json, re\n"
        "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version"
        " for d in m.distributions()}))"
    )
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def pinned_names(venv):
    """The distributions IRIS's requirements name (pinned, or installed from its bundled wheels)."""
    names = set()
    for line in (venv / "iris-requirements.txt").read_text().splitlines():
        name = Path(line).name.split("-")[0] if line.endswith(".whl") else line
        for mark in "[=~<>!; ":
            name = name.split(mark)[0]
        names.add(name.replace("_", "-").replace(".", "-").lower())
    return names


def differences(venv):
    """``(added, moved)``: distributions the venv has beyond its baseline, and those whose version changed."""
    baseline = json.loads((venv / "baseline.json").read_text())
    now = installed(venv)
    added = sorted(set(now) - set(baseline))
    moved = sorted(name for name in baseline if now.get(name) != baseline[name])
    return (added, moved) if added or moved else ()


def restore_venv(venv, source):
    """Put the venv back as it was built: drop what was added, reinstall what moved. ``(added, {moved: versions})``."""
    baseline = json.loads((venv / "baseline.json").read_text())
    now = installed(venv)
    added = sorted(set(now) - set(baseline))
    moved = sorted(name for name in baseline if now.get(name) != baseline[name])
    python = str(venv / "bin" / "python")
    if added:
        run([python, "-m", "pip", "uninstall", "-q", "-y", *added])
    if moved:
        wheels = str(source / "source" / "dependencies")
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "--find-links", wheels,
             *(f"{name}=={baseline[name]}" for name in moved)])  # fmt: skip
    return added, {name: (baseline[name], now.get(name)) for name in moved}


# ---------------------------------------------------------------- PostgreSQL, a cluster of our own


def postgres_bin():
    """Debian's server binaries: /usr/lib/postgresql/<version>/bin (postgresql-common)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class Postgres:
    """A throwaway cluster in a temporary folder, on a port of its own, owned by ``postgres`` when we are root."""

    def __init__(self, user="iris", database="iris_db"):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server is not installed: apt-get install -y postgresql")
        self.user, self.database = user, database
        self.password = secrets.token_hex(12)
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="iris-e2e-pg-"))
        self.process = None

    def _as_owner(self, command):
        # initdb and postgres refuse to run as root.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def start(self):
        data, sockets = self.folder / "data", self.folder / "sockets"
        sockets.mkdir()
        password_file = self.folder / "pw"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(sockets, "postgres")
            shutil.chown(password_file, "postgres")
        run(self._as_owner([str(self.bin / "initdb"), "-D", str(data), "-U", self.user, f"--pwfile={password_file}",
                            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]))  # fmt: skip
        password_file.unlink()
        self.log = open(self.folder / "postgres.log", "w")
        self.process = subprocess.Popen(
            self._as_owner([str(self.bin / "postgres"), "-D", str(data), "-p", str(self.port),
                            "-c", "listen_addresses=127.0.0.1", "-k", str(sockets), "-c", "max_connections=200",
                            "-c", "fsync=off"]),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 30
        while self.sql("SELECT 1", database="postgres", check=False).returncode:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {(self.folder / 'postgres.log').read_text()}")
            time.sleep(0.2)
        self.sql(f"CREATE DATABASE {self.database}", database="postgres")
        # IRIS's own DB image creates it (docker/db/create_user.sh); post_init.py creates iris_tasks itself.
        self.sql("CREATE EXTENSION IF NOT EXISTS pgcrypto")

    def sql(self, statement, database=None, check=True):
        command = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                   "-d", database or self.database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PGPASSWORD": self.password})
        if check and done.returncode:
            raise RuntimeError(f"psql {statement!r}: {done.stderr}")
        return done

    def url(self, database=None):
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database or self.database}"

    def stop(self):
        if self.process is not None:
            stop_process(self.process, signal.SIGINT)  # PostgreSQL's fast shutdown
        shutil.rmtree(self.folder, ignore_errors=True)


def stop_process(process, sig=signal.SIGTERM, timeout=30):
    """Stop a process we started, and its children, by its pid; kill it when it does not listen."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# ---------------------------------------------------------------- IRIS: web app and worker


class Iris:
    """IRIS's web app (gunicorn, one process) and one celery worker over one venv and one database."""

    def __init__(self, source, venv, postgres, folder):
        self.source, self.venv, self.postgres = Path(source), Path(venv), postgres
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_key = secrets.token_urlsafe(32)
        self.admin_password = "E2e-" + secrets.token_urlsafe(12)
        self.secret_key = secrets.token_hex(32)  # the same across restarts: sessions and hook HMACs use it
        self.web = self.worker = None
        self.web_log = self.folder / "web.log"
        self.worker_log = self.folder / "worker.log"
        self.uploads = self.folder / "uploads"

    def environment(self):
        """What app/configuration.py reads: the environment first (IrisConfig.load, lines 77-94)."""
        folders = {name: self.folder / name for name in ("uploads", "templates", "backup", "assets", "datastore")}
        for path in folders.values():
            path.mkdir(parents=True, exist_ok=True)
        pg = self.postgres
        env = {
            **os.environ,
            "POSTGRES_USER": pg.user, "POSTGRES_PASSWORD": pg.password,
            "POSTGRES_ADMIN_USER": pg.user, "POSTGRES_ADMIN_PASSWORD": pg.password,
            "POSTGRES_SERVER": "127.0.0.1", "POSTGRES_PORT": str(pg.port), "POSTGRES_DB": pg.database,
            "IRIS_SECRET_KEY": self.secret_key,
            "IRIS_SECURITY_PASSWORD_SALT": "e2e-salt",
            "IRIS_ADM_USERNAME": ADMIN_USER, "IRIS_ADM_PASSWORD": self.admin_password,
            "IRIS_ADM_EMAIL": "admin@example.org", "IRIS_ADM_API_KEY": self.api_key,
            "IRIS_UPLOADED_PATH": str(folders["uploads"]), "IRIS_TEMPLATES_PATH": str(folders["templates"]),
            "IRIS_BACKUP_PATH": str(folders["backup"]), "IRIS_ASSET_STORE_PATH": str(folders["assets"]),
            "IRIS_DATASTORE_PATH": str(folders["datastore"]),
            # No RabbitMQ: kombu's SQLAlchemy transport over the same PostgreSQL (configuration.py:173).
            "CELERY_BROKER": "sqla+" + pg.url(),
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
        }  # fmt: skip
        # With IRIS_WORKER set, Config has no SECRET_KEY (configuration.py:278) and every hook task
        # fails its HMAC check (module_handler.py task_hook_wrapper).
        env.pop("IRIS_WORKER", None)
        if (self.venv / "shim").is_dir():
            env["PYTHONPATH"] = str(self.venv / "shim")
        return env

    def start(self, timeout=180):
        """Start web then worker; return when /login answers 200 and the worker says ``ready.``."""
        env = self.environment()
        python = str(self.venv / "bin" / "python")
        cwd = self.source / "source"  # IRIS resolves app/alembic.ini and dependencies/ from the cwd (as /iriswebapp)
        web_offset = self.web_log.stat().st_size if self.web_log.exists() else 0
        worker_offset = self.worker_log.stat().st_size if self.worker_log.exists() else 0
        # docker/webApp/iris-entrypoint.sh runs `gunicorn app:app`; one process with threads here, so
        # post_init.py (which creates the schema and the admin on first start) runs once.
        self.web = subprocess.Popen(
            [python, "-m", "gunicorn", "app:app", "--worker-class", "gthread", "--workers", "1", "--threads", "8",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "180"],
            cwd=cwd, env=env, stdout=open(self.web_log, "a"), stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self._wait(lambda: self._login_answers(), timeout, "the web app", self.web, self.web_log, web_offset)
        # -c 1: prefork children share the parent's pooled connection; two hook tasks at once break it.
        self.worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "app.celery", "worker", "-E", "-l", "INFO", "-c", "1"],
            cwd=cwd, env=env, stdout=open(self.worker_log, "a"), stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self._wait(lambda: "ready." in read_from(self.worker_log, worker_offset), timeout, "the worker", self.worker,
                   self.worker_log, worker_offset)  # fmt: skip

    @contextlib.contextmanager
    def more_workers(self, count, timeout=120):
        """``count`` more celery workers of ``-c 1`` beside the first, for as long as the block runs.

        IRIS's worker runs a process per CPU (no ``-c``: docker/webApp/iris-entrypoint.sh:29), and
        hook tasks run at once in all of them. Several workers of one process each, as several
        worker containers would be, give that without 2.4.20's defect at ``-c 4`` (prefork children
        sharing the parent's pooled PostgreSQL connection).
        """
        cwd, env = self.source / "source", self.environment()
        offset = self.worker_log.stat().st_size
        command = [str(self.venv / "bin" / "python"), "-m", "celery", "-A", "app.celery", "worker", "-E", "-l", "INFO",
                   "-c", "1"]  # fmt: skip
        workers = []
        for number in range(2, count + 2):  # the first worker is celery@<host>
            log = open(self.worker_log, "a")
            workers.append(subprocess.Popen([*command, "-n", f"e2e-{number}@%h"], cwd=cwd, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True))  # fmt: skip
        try:
            for worker in workers:
                self._wait(lambda: read_from(self.worker_log, offset).count("ready.") >= count, timeout,
                           "extra workers", worker, self.worker_log, offset)  # fmt: skip
            yield workers
        finally:
            for worker in workers:
                stop_process(worker)

    def _login_answers(self):
        try:
            with urllib.request.urlopen(f"{self.url}/login", timeout=5) as answer:
                return answer.status == 200
        except OSError:
            return False

    def _wait(self, ready, timeout, what, process, log, offset):
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                state = (
                    f"exited with {process.returncode}" if process.poll() is not None else f"not ready in {timeout}s"
                )
                raise RuntimeError(f"IRIS's {what} {state}; its log:\n{read_from(log, offset)[-6000:]}")
            time.sleep(0.3)

    def stop(self):
        for process in (self.worker, self.web):
            if process is not None:
                stop_process(process)
        self.web = self.worker = None

    def restart(self):
        self.stop()
        self.start()

    def running(self):
        return all(process is not None and process.poll() is None for process in (self.web, self.worker))

    def logs(self):
        return read_from(self.web_log, 0) + read_from(self.worker_log, 0)


def read_from(path, offset):
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()
    except FileNotFoundError:
        return ""
