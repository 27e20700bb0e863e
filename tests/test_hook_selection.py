"""The hooks answer: any selection from IRIS's catalogue bakes a module whose table, handlers and tests agree."""

import ast
import subprocess
import sys

import pytest
from conftest import ROOT, rules, run_baked_suite
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

LINES = rules.lines.offered()
CATALOGUE = rules.hook_selection.catalogue(rules.lines.default())
IRIS_HOOKS = set(CATALOGUE.hooks)
SELECTIONS = {
    "one kind": "asset",
    "one hook": "on_manual_trigger_global_task",
    "many kinds": "ioc, case, alert, note, evidence, task, event, global_task, report",
    "manual only": "on_manual_trigger_case, on_manual_trigger_ioc, on_manual_trigger_alert",
    "preload and deletes": "on_preload_ioc_create, on_preload_note_update, on_postload_ioc_delete, on_postload_alert_delete",
    "every hook": "all",
}


def hook_table(folder):
    """The hook names in the baked class's hook table, read from its source."""
    (source,) = (folder / folder.name.replace("-", "_")).glob("Iris*Interface.py")
    calls = [node for node in ast.walk(ast.parse(source.read_text("utf-8"))) if isinstance(node, ast.Call)]
    return [call.args[0].value for call in calls if getattr(call.func, "id", "") == "Hook"]


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_each_iris_line_has_the_same_90_hooks_once_each_described(target):
    catalogue = rules.hook_selection.catalogue(target).data
    names = [hook["name"] for hook in catalogue["hooks"]]
    assert len(names) == len(set(names)) == 90
    assert set(names) == IRIS_HOOKS  # the loader and dispatch are the same on every line
    assert {hook["phase"] for hook in catalogue["hooks"]} == {"preload", "postload", "manual"}
    assert {hook["kind"] for hook in catalogue["hooks"]} == set(catalogue["kinds"])
    assert {hook["data"] for hook in catalogue["hooks"]} <= set(catalogue["data"])
    assert {hook["data"] for hook in catalogue["hooks"]} <= set(rules.hook_selection.SHAPES)
    for hook in catalogue["hooks"]:
        assert hook["phase"] in hook["name"].replace("manual_trigger", "manual"), hook


@pytest.mark.parametrize("selection", SELECTIONS.values(), ids=SELECTIONS.keys())
def test_a_selection_bakes_a_module_whose_own_tests_pass(bake, selection):
    folder = bake(_hooks=selection, keyword="hooked")

    table = hook_table(folder)

    assert table == [hook["name"] for hook in CATALOGUE.select(selection)]
    assert set(table) <= IRIS_HOOKS  # nothing is dispatched that IRIS does not have
    run_baked_suite(folder)


def test_a_kind_means_its_create_and_update_hooks():
    assert [hook["name"] for hook in CATALOGUE.select("ioc")] == [
        "on_postload_ioc_create",
        "on_postload_ioc_update",
    ]
    assert [hook["name"] for hook in CATALOGUE.select("report, on_postload_ioc_create, ioc")] == [
        "on_postload_ioc_create",
        "on_postload_ioc_update",
        "on_postload_report_create",
    ]


def test_each_selected_kind_and_data_shape_gets_one_handler_function(bake):
    folder = bake(_hooks=SELECTIONS["preload and deletes"], keyword="hooked")
    handler = ast.parse((folder / "iris_hooked_module" / "handler.py").read_text("utf-8"))

    functions = [node.name for node in handler.body if isinstance(node, ast.FunctionDef)]

    assert functions == ["handle_alert_ids", "prepare_notes", "prepare_iocs", "handle_ioc_ids"]


def test_an_unknown_hook_is_refused_with_a_suggestion_and_nothing_left(tmp_path):
    with pytest.raises(FailedHookException) as refused:
        cookiecutter(
            str(ROOT), no_input=True, extra_context={"_hooks": "ioc, on_postload_case_updte"}, output_dir=str(tmp_path)
        )

    assert "Did you mean 'on_postload_case_update'?" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def phase_of(name):
    return CATALOGUE.hooks[name]["phase"]


@pytest.mark.parametrize("phase", rules.hook_selection.PHASES)
def test_a_phase_means_every_hook_of_it(phase):
    selected = [hook["name"] for hook in CATALOGUE.select(phase)]

    assert CATALOGUE.problems(phase) == []
    assert selected and {phase_of(name) for name in selected} == {phase}
    assert selected == [name for name, hook in CATALOGUE.hooks.items() if hook["phase"] == phase]


def test_a_misspelt_phase_gets_a_suggestion():
    (problem,) = CATALOGUE.problems("postlod")

    assert "Did you mean 'postload'?" in problem and "phase (preload, postload, manual)" in problem


def switch_defaults(**answers):
    answers = {"module_type": "processor", "preset": "blank", "settings": "", **answers}
    settings = rules.answers.module_settings(answers)
    return {entry["param_name"]: entry for entry in settings if entry["param_name"] in CATALOGUE.hooks}


def test_with_every_hook_only_post_load_hooks_start_on_and_no_switch_is_mandatory():
    switches = switch_defaults(_hooks="all")

    assert len(switches) == 90
    on = {name for name, entry in switches.items() if entry["default"]}
    assert on == {name for name in switches if phase_of(name) == "postload"}
    assert not any(entry["mandatory"] for entry in switches.values())


def test_a_hook_asked_for_by_name_or_phase_starts_on_beside_every_hook():
    switches = switch_defaults(_hooks="all, on_preload_ioc_create, manual")

    on = {name for name, entry in switches.items() if entry["default"]}
    assert "on_preload_ioc_create" in on and "on_preload_note_create" not in on
    assert {name for name in switches if phase_of(name) == "manual"} <= on


def test_the_hooks_a_presets_handler_is_written_for_start_on():
    hunt = switch_defaults(preset="hunt", _hooks="")
    blank = switch_defaults(_hooks="")  # the blank preset's default answer names its hooks: on

    assert {name: entry["default"] for name, entry in hunt.items()} == {
        "on_postload_ioc_create": True,
        "on_manual_trigger_ioc": True,
    }
    assert all(entry["default"] for entry in blank.values())
    # Blank's hooks are only a default answer, not what its handler needs: with every hook, its menu entry starts off.
    assert switch_defaults(_hooks="all")["on_manual_trigger_ioc"]["default"] is False


def iris_table_order(settings):
    """The rows of IRIS's module settings table in the order it shows them: its DataTable sorts by the section
    column (``section or "Main"``, lowercased as DataTables' string sort does), keeping the given order within one."""
    return sorted(settings, key=lambda entry: (entry.get("section") or "Main").lower())


@pytest.mark.parametrize("preset", [name for name, p in rules.presets.PRESETS.items() if p.module_type != "pipeline"])
def test_the_modules_own_settings_come_before_its_switches_in_iris_table(preset):
    answers = {
        "module_type": "processor",
        "preset": preset,
        "_hooks": "",
        "settings": "site_id:string, Zulu/max_age:int=3, zzz/late:bool=true, Webhooks/urls:textfield_json={}",
    }

    rows = [entry["param_name"] for entry in iris_table_order(rules.answers.module_settings(answers))]

    switches = [index for index, name in enumerate(rows) if name in CATALOGUE.hooks]
    assert switches and min(switches) == len(rows) - len(switches), rows


def test_every_hook_bakes_a_module_that_registers_no_pre_load_or_manual_hook_by_default(bake):
    folder = bake(_hooks="all", keyword="hooked")
    script = (
        "import sys; sys.path.insert(0, 'tests'); import fake_iris; iris = fake_iris.install();"
        "module_class = fake_iris.load_like_iris('iris_hooked_module');"
        "iris.add_module(module_class); print('\\n'.join(sorted(iris.hooks)))"
    )

    done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    registered = done.stdout.split()
    assert len(registered) == 55 and {phase_of(name) for name in registered} == {"postload"}
