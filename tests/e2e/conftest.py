"""One real IRIS for the whole e2e suite, brought up once and torn down at the end.

Under ``pytest -n auto`` every e2e test runs in one worker (scheduling.py), so one IRIS comes up.
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from . import iris_server
from .iris_line import LINE, SOURCE_VARIABLE, iris_source
from .rig import Rig
from .stand_ins import StandIns

SKIP_REASON = (
    f"e2e suite: {SOURCE_VARIABLE} is not set; point it at a checkout of iris-web v2.4.20 (or its develop"
    " branch) to run it in a real IRIS (README: The end-to-end suite)"
)


HERE = Path(__file__).parent


def in_suite(item):
    return HERE in Path(item.fspath).parents


def pytest_runtest_setup(item):
    # Raised here rather than in a fixture, the skip has this one location: pytest folds the
    # suite's skips into one line of its summary (-rs). Tests without IRIS run anyway.
    if in_suite(item) and "rig" in item.fixturenames and not os.environ.get(SOURCE_VARIABLE):
        pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def rig():
    source = iris_source()
    figures = {"iris_line": LINE.iris_version}
    python = iris_server.find_python(LINE.python)  # the Python IRIS's images run (line.json)
    venv, figures["venv_seconds"], figures["venv_built"] = iris_server.ensure_venv(source, python)
    folder = Path(tempfile.mkdtemp(prefix="iris-e2e-"))
    with iris_server.exclusive(venv):  # one IRIS on this venv at a time, across test runs
        iris_server.restore_venv(venv, source)  # after a run that was cut short
        postgres = iris_server.Postgres()
        iris = iris_server.Iris(source, venv, postgres, folder)
        workbench = Rig(source, LINE, python, venv, postgres, iris, folder, figures)
        try:
            started = time.monotonic()
            postgres.start()
            figures["postgres_start_seconds"] = round(time.monotonic() - started, 2)
            figures["iris_first_start_seconds"] = round(workbench.start(), 2)
            disable_other_modules(workbench.api)
            yield workbench
        finally:
            stopping = time.monotonic()
            iris.stop()
            postgres.stop()
            iris_server.restore_venv(venv, source)
            figures["teardown_seconds"] = round(time.monotonic() - stopping, 2)
            write_figures(figures)
            if os.environ.get("E2E_KEEP") is None:
                shutil.rmtree(folder, ignore_errors=True)


def disable_other_modules(api):
    """IRIS registers its own modules at first start (post_init.py register_default_modules): only ours run."""
    for module in api.modules():
        if module["is_active"]:
            api.disable_module(module["id"])


def write_figures(figures):
    """The suite's timings, for ``benchmarks/bench.py --e2e`` (E2E_FIGURES names the file)."""
    target = os.environ.get("E2E_FIGURES")
    if target:
        Path(target).write_text(json.dumps(figures, indent=1, sort_keys=True))


@pytest.fixture(autouse=True)
def timed(request):
    """Each e2e test's wall time, among the figures (timings are reported, never asserted)."""
    started = time.monotonic()
    yield
    if "rig" in request.fixturenames:
        request.getfixturevalue("rig").figures[f"test {request.node.name}"] = round(time.monotonic() - started, 2)


@pytest.fixture(scope="session")
def stand_ins(rig):
    """The remote services modules talk to, on 127.0.0.1 (stand_ins.py)."""
    services = StandIns()
    yield services
    services.stop()
