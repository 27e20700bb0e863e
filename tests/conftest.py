"""Baking helpers shared by the template's tests: the answer matrix and cached bakes."""

import itertools
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The template's rules, through its one loader (not imported by name: cookiecutter imports
# iris_skeleton_extension by name, each bake from its own template folder).
load_rules = runpy.run_path(str(ROOT / "iris_skeleton_extension.py"))["load_rules"]
rules = load_rules()
CONTEXT = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
# The choice prompts, and the licence, a choice given on the command line (_license=MIT).
CHOICES = {name: values for name, values in CONTEXT.items() if isinstance(values, list) and not name.startswith("_")}
CHOICES["_license"] = list(rules.answers.LICENSES)
# Choices that change code; the others (the licence) change only texts and metadata.
CODE_CHOICES = ("module_type", "preset", "iris_version")
LINES = rules.lines.offered()


def answer_matrix():
    """Every valid combination of the choices that change code, crossed so every other choice value appears."""
    code = [
        values
        for values in itertools.product(*(CHOICES[name] for name in CODE_CHOICES))
        if not rules.presets.problems(dict(zip(CODE_CHOICES, values, strict=True)))
    ]
    others = [name for name in CHOICES if name not in CODE_CHOICES]
    rows = []
    for code_values in code:
        for index in range(max(len(CHOICES[name]) for name in others)):
            row = dict(zip(CODE_CHOICES, code_values, strict=True))
            row.update({name: CHOICES[name][index % len(CHOICES[name])] for name in others})
            rows.append(row)
    return rows


def code_variants():
    """Each valid combination of the choices that change code, once."""
    rows = []
    for row in answer_matrix():
        code = {name: row[name] for name in CODE_CHOICES}
        if code not in rows:
            rows.append(code)
    return rows


def variant_id(answers):
    return "-".join(str(value) for value in answers.values())


@pytest.fixture(autouse=True)
def in_a_folder_of_its_own(tmp_path_factory, monkeypatch):
    """Run each test in a fresh current folder: a refused bake keeps its answers there."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="session")
def bake(cookies_session):
    """Bake the template with ``answers`` once per session; return the project folder."""
    baked = {}

    def bake(**answers):
        answers.setdefault("_init_git", False)  # the tests that need a repository ask for one
        key = json.dumps(answers, sort_keys=True)
        if key not in baked:
            result = cookies_session.bake(extra_context=answers, template=str(ROOT))
            assert result.exit_code == 0, result.exception
            baked[key] = Path(result.project_path)
        return baked[key]

    return bake


RUFF = (["ruff", "check", "--no-cache", "."], ["ruff", "format", "--no-cache", "--check", "."])


def assert_runs_clean(folder, *commands):
    """Run each ``python -m <command>`` in ``folder``; fail with its output when one complains."""
    for command in commands:
        done = subprocess.run([sys.executable, "-m", *command], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(command)} in {Path(folder).name}:\n{done.stdout}\n{done.stderr}"


def run_baked_suite(folder):
    """Run a baked project's own tests and ruff."""
    assert_runs_clean(folder, ["pytest", "-q", "-p", "no:cacheprovider"], *RUFF)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``-n``, the e2e suite runs in one worker, so one IRIS comes up (tests/e2e/scheduling.py)."""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from e2e.scheduling import OneWorkerForE2E

    return OneWorkerForE2E(config, log)
