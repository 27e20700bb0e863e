"""The hooks answer: any selection from IRIS's catalogue bakes a module whose table, handlers and tests agree."""

import ast

import pytest
from conftest import ROOT, rules, run_baked_suite
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

TARGETS = rules.iris_target.targets()
CATALOGUE = rules.iris_target.default().hooks
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


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_each_iris_line_has_the_same_90_hooks_once_each_described(target):
    catalogue = target.hooks.data
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
