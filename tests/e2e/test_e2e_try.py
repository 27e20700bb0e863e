"""`make try` as a module's author runs it again and again: after a change of code and of the settings it
declares, and with nothing changed."""

import json

from .deploy import assert_iris_unharmed, bake_and_try, run_try


def test_make_try_reinstalls_on_a_change_keeps_stored_settings_and_installs_nothing_when_unchanged(rig, bake):
    answers = {"module_type": "processor", "preset": "blank", "keyword": "e2etry"}
    module, _ = bake_and_try(rig, bake, answers)
    try:
        assert_iris_unharmed(module)
        assert module.install.returncode == 0, module.install.output
        first = module.id

        # The author switches the manual hook off through the settings file, then adds a setting.
        (module.folder / "try-settings.json").write_text(json.dumps({"on_manual_trigger_ioc": False}))
        config = module.folder / module.package / "config.py"
        config.write_text(config.read_text() + NEW_SETTING)
        changed = run_try(module, {"on_manual_trigger_ioc": False})
        assert changed.returncode == 0, changed.output
        assert changed.restarts, f"the changed code was not installed:\n{changed.output}"
        assert "removing the module from IRIS and adding it again" in changed.output

        # Nothing changed: no install, the stored settings kept, the new setting's value too.
        again = run_try(module, {})
        assert again.returncode == 0, again.output
        assert not again.restarts and "is what IRIS's containers hold" in again.output, again.output
        (row,) = [row for row in rig.api.modules() if row["module_human_name"] == module.human_name]
        module.id = row["id"]
        stored = {entry["param_name"]: entry.get("value") for entry in rig.api.module_config(module.id)}
        assert module.id != first
        assert stored["on_manual_trigger_ioc"] is False, stored
        assert stored["e2e_new"] == "kept", stored
        assert {hook for _, hook, _ in rig.api.registered_hooks(module.package)} == {"on_postload_ioc_create"}
        assert "on_manual_trigger_ioc" not in again.output.split("hooks:")[1].splitlines()[0]
    finally:
        rig.forget(module)


NEW_SETTING = """
CONFIGURATION.append(
    {
        "param_name": "e2e_new",
        "param_human_name": "New",
        "param_description": "A setting added after the module was in IRIS.",
        "default": "kept",
        "mandatory": True,
        "type": "string",
        "section": "Main",
    }
)
"""


def test_make_try_drives_one_sample_of_every_kind_a_module_hooks(rig, bake):
    """A blank module on every post-load hook (``_hooks=all``'s defaults), with every shared helper added:
    IRIS takes the helpers' settings beside the 90 switches, and make try makes, changes and deletes an object
    of each kind through IRIS's own routes, and every task comes and succeeds."""
    answers = {
        "module_type": "processor",
        "preset": "blank",
        "keyword": "e2etryall",
        "_hooks": "all",
        "_helpers": "http iris_objects report",
    }
    module, _ = bake_and_try(rig, bake, answers)
    try:
        output = module.install.output
        assert module.install.returncode == 0, output
        stored = {entry["param_name"]: entry.get("value") for entry in rig.api.module_config(module.id)}
        assert {"timeout": 30, "time_budget": 300, "report_tab": "Report"}.items() <= stored.items(), stored
        for kind in ("case", "ioc", "asset", "note", "event", "task", "evidence", "alert"):
            for change in ("create", "update", "delete"):
                assert f"OK    {module.package}::on_postload_{kind}_{change} " in output, (kind, change, output)
        assert "FAIL" not in output
    finally:
        rig.forget(module)


def two_menu_entries(package):
    """The registrations extension point (processor.py) offers the manual hook under two entries, and the
    handler logs the entry the analyst clicked."""
    (interface,) = package.glob("Iris*Interface.py")
    interface.write_text(
        interface.read_text().replace(
            "from .processor import Hook, ProcessorModule", "from .processor import Hook, ProcessorModule, Registration"
        )
        + TWO_ENTRIES
    )
    handler = package / "handler.py"
    anchor = '            context.log.info(f"{context.hook}: {label}")\n'
    assert anchor in handler.read_text(), "the blank handler changed: update two_menu_entries"
    handler.write_text(handler.read_text().replace(anchor, anchor + CLICKED, 1))


TWO_ENTRIES = """
    def registrations(self, settings):
        return [*super().registrations(settings), Registration("on_manual_trigger_ioc", "Ask the second desk")]
"""
CLICKED = '            context.log.info(f"clicked: {context.menu_label}")\n'


def test_a_manual_hook_offered_under_two_menu_entries_is_listed_twice_and_each_reaches_the_handler(rig, bake):
    answers = {"module_type": "processor", "preset": "blank", "keyword": "e2etwoentries"}
    module, _ = bake_and_try(rig, bake, answers, edit=two_menu_entries)
    try:
        output = module.install.output
        assert module.install.returncode == 0, output
        entries = {row["manual_hook_ui_name"] for row in rig.api.get("/dim/hooks/options/ioc/list")["data"]
                   if row["module_name"] == module.package}  # fmt: skip
        assert entries == {module.menu_label, "Ask the second desk"}, entries
        assert output.count(f"OK    {module.package}::on_manual_trigger_ioc ") == 2, output
        assert f"| clicked: {module.menu_label}" in output and "| clicked: Ask the second desk" in output, output
    finally:
        rig.forget(module)
