"""The _helpers answer adds the shared helpers (HTTP session, IRIS objects, report) to any preset, blank included."""

import subprocess
import sys
import tomllib

import pytest
from conftest import rules, run_baked_suite
from test_bake import configuration

ADDED = "http, iris_objects report"  # commas or spaces, as _hooks takes them
HELPERS = rules.presets.HELPERS


def answers(**changes):
    base = {key: value for key, value in rules.template.CONTEXT.items() if not key.startswith("__")}
    base.update(module_type="processor", preset="blank", iris_version="2.4", module_name="iris-example-module")
    return {**base, **changes}


def test_a_typo_is_refused_with_the_helper_meant():
    assert rules.answers.problems(answers(_helpers="http, reprot")) == [
        "_helpers: 'reprot' is not one of http, iris_objects, report. Did you mean 'report'?"
    ]


def test_a_presets_own_code_is_refused_as_not_a_shared_helper():
    (problem,) = rules.answers.problems(answers(_helpers="client"))

    assert problem.startswith("_helpers: 'client' is not one of http, iris_objects, report (client is a preset's own")


def test_a_setting_of_the_user_named_as_an_added_helpers_is_refused():
    (problem,) = rules.answers.problems(answers(_helpers="http", settings="timeout:int=5"))

    assert "'timeout' is already a setting of the blank preset and the helpers it adds" in problem


@pytest.mark.parametrize("module_type", ["processor", "pipeline"])
def test_a_blank_module_gets_the_helpers_their_settings_packages_and_tests(bake, module_type):
    folder = bake(module_type=module_type, preset="blank", _helpers=ADDED, keyword=f"helped_{module_type}")
    package = folder / f"iris_helped_{module_type}_module"

    for helper in ("http", "iris_objects", "report"):
        for path in HELPERS[helper]["files"]:
            assert (folder / path.replace("PACKAGE", package.name)).is_file(), path
    entries = [entry["param_name"] for entry in configuration(folder)]
    helper_settings = [entry["param_name"] for helper in ("http", "report") for entry in HELPERS[helper]["settings"]]
    assert [name for name in entries if name in helper_settings] == helper_settings
    if module_type == "processor":  # the module's own settings before its hooks' switches
        assert entries.index("report_template") < entries.index("on_postload_ioc_create")
    dependencies = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert {"requests>=2.25,<3", "jinja2>=3.0"} <= set(dependencies)
    assert "`http_session.new_session(context.settings" in (package / "handler.py").read_text("utf-8")
    assert f"`{package.name}/http_session.py`" in (folder / "AGENTS.md").read_text("utf-8")
    run_baked_suite(folder)


def test_the_added_helpers_pass_iris_s_loader_and_health_check(bake):
    folder = bake(preset="blank", _helpers=ADDED, keyword="helped_check")

    done = subprocess.run(["make", "check", f"PYTHON={sys.executable}"], cwd=folder, capture_output=True, text=True)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK    IRIS will accept this module" in done.stdout


def test_a_helper_the_preset_has_already_changes_nothing_but_the_recorded_answer(bake):
    plain = bake(preset="ioc-enrichment", keyword="same")
    added = bake(preset="ioc-enrichment", keyword="same", _helpers=ADDED)

    assert files(added) == files(plain)


def files(folder):
    """Each baked file's bytes by path, but the recorded answers."""
    return {
        path.relative_to(folder): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != ".cruft.json"
    }
