"""Hooks in a real IRIS: every hook registered, the create/update hooks of every object kind answered,
a hook switched off deregistered, and a preload handler that returns nothing leaving the request working."""

import contextlib
import uuid

from conftest import rules

from .deploy import add, assert_iris_unharmed, assert_no_secret_kept, bake_and_install
from .iris_api import CASE
from .iris_line import LINE
from .scenarios import Scenario, unique

CATALOGUE = rules.hook_selection.catalogue(LINE).data  # the hooks of the IRIS line the suite runs (iris_line.py)


def deploy(rig, bake, keyword, hooks, edit=None):
    answers = {"module_type": "processor", "preset": "blank", "keyword": keyword, "_hooks": hooks}
    module = bake_and_install(rig, bake, answers, edit=edit)
    assert_iris_unharmed(module)
    add(module)
    return module


# Each object kind's create and update, as the UI sends them, and the postload hooks they fire
# (the call_modules_hook call sites in app/blueprints and app/business).
def touch_every_kind(api):
    folder = api.post(f"/case/notes/directories/add?cid={CASE}", {"name": unique(), "parent_id": None})["data"]
    note = {"note_title": unique("note"), "note_content": "first", "directory_id": folder["id"]}
    note_id = api.post(f"/case/notes/add?cid={CASE}", note)["data"]["note_id"]
    api.post(f"/case/notes/update/{note_id}?cid={CASE}", {**note, "note_content": "second"})
    event = {"event_title": unique("event"), "event_date": "2024-01-01T00:00:00.000", "event_tz": "+00:00",
             "event_category_id": 1, "event_assets": [], "event_iocs": [], "event_in_summary": False,
             "event_in_graph": True, "event_color": "", "event_raw": "", "event_content": "", "event_source": "",
             "event_tags": ""}  # fmt: skip
    event_id = api.post(f"/case/timeline/events/add?cid={CASE}", event)["data"]["event_id"]
    api.post(f"/case/timeline/events/update/{event_id}?cid={CASE}", {**event, "event_content": "updated"})
    task = {"task_title": unique("task"), "task_status_id": 1, "task_assignees_id": []}
    task_id = api.post(f"/case/tasks/add?cid={CASE}", task)["data"]["id"]
    api.post(f"/case/tasks/update/{task_id}?cid={CASE}", {**task, "task_description": "updated"})
    evidence = {"filename": unique("evidence"), "file_size": 3, "file_hash": "00", "file_description": ""}
    evidence_id = api.post(f"/case/evidences/add?cid={CASE}", evidence)["data"]["id"]
    api.post(f"/case/evidences/update/{evidence_id}?cid={CASE}", {**evidence, "file_description": "updated"})
    global_task = {"task_title": unique("global"), "task_status_id": 1, "task_assignee_id": 1}
    global_id = api.post("/global/tasks/add", global_task)["data"]["task_id"]
    api.post(f"/global/tasks/update/{global_id}", {**global_task, "task_description": "updated"})
    ioc_id = api.add_ioc(f"{unique()}.example.com", "domain")["data"]["ioc_id"]
    api.update_ioc(ioc_id, ioc_description="updated")
    asset = api.add_asset(unique("host"))
    api.post(f"/case/assets/update/{asset['asset_id']}?cid={CASE}",
             {"asset_name": asset["asset_name"], "asset_type_id": asset["asset_type_id"], "asset_description": "u"})  # fmt: skip
    alert_id = api.add_alert(unique("alert"))["alert_id"]
    api.post(f"/alerts/update/{alert_id}", {"alert_note": "updated"})
    case = {"case_name": unique("case"), "case_description": "made by the e2e suite", "case_customer": 1,
            "case_soc_id": ""}  # fmt: skip
    api.post("/manage/cases/add", case)
    api.update_case(case_description=f"updated {unique()}")
    kinds = ("note", "event", "task", "evidence", "global_task", "ioc", "asset", "alert", "case")
    return [f"on_postload_{kind}_{change}" for kind in kinds for change in ("create", "update")]


def test_a_module_answering_all_hooks_registers_the_post_load_ones_it_starts_with_and_answers_every_kind(rig, bake):
    """``_hooks=all`` answers all 90 hooks; pre-load and manual ones start switched off (admins turn them on)."""
    module = deploy(rig, bake, "e2eall", "all")
    try:
        registered = {hook for _, hook, _ in rig.api.registered_hooks(module.package)}
        assert registered == {hook["name"] for hook in CATALOGUE["hooks"] if hook["phase"] == "postload"}
        assert len(registered) == 55

        scenario = Scenario(module, None)
        for hook in touch_every_kind(rig.api):
            scenario.succeeded(hook)
        assert_no_secret_kept(module)
    finally:
        rig.forget(module)


def mark_each_run(package):
    """The handler leaves "ran:<hook>" in the IOC's tags: a run shows in IRIS."""
    handler = package / "handler.py"
    text = handler.read_text()
    anchor = '            context.log.info(f"{context.hook}: {label}")\n'
    assert anchor in text and "    for ioc in iocs:" in text, "the blank handler changed: update mark_each_run"
    handler.write_text(
        text.replace(anchor, anchor + "            ioc.ioc_tags = f\"{ioc.ioc_tags or ''},ran:{context.hook}\"\n", 1)
    )


def test_a_hook_switched_off_is_deregistered_and_starts_no_task(rig, bake):
    # IRIS's deregister_from_hook never commits (module_handler.py:393-413): the module's
    # register_hooks saves it. Three workers of one process each, as in production (iris-facts).
    module = deploy(rig, bake, "e2eswitch", "on_postload_ioc_create, on_manual_trigger_ioc", edit=mark_each_run)
    try:
        with rig.iris.more_workers(2):
            scenario = Scenario(module, None)
            before = rig.api.add_ioc(f"{unique()}.example.com", "domain")["data"]
            scenario.succeeded("on_postload_ioc_create")
            assert "ran:on_postload_ioc_create" in rig.api.ioc(before["ioc_id"])["ioc_tags"]

            rig.api.set_parameter(module.id, "on_postload_ioc_create", False)
            registered = {hook for _, hook, _ in rig.api.registered_hooks(module.package)}
            assert registered == {"on_manual_trigger_ioc"}

            after = rig.api.add_ioc(f"{unique()}.example.com", "domain")["data"]
            # The manual hook is queued after whatever the new IOC queued, so is taken after it: a
            # create task would have started by the time the manual one is done, or in the wait
            # below. It runs on the other IOC: a task writes back its object as it was when queued
            # (module_handler.py:446-468).
            scenario.fire("on_manual_trigger_ioc", "ioc", before["ioc_id"])
            scenario.succeeded("on_manual_trigger_ioc")
            with contextlib.suppress(AssertionError):
                module.wait("on_postload_ioc_create", count=2, timeout=10)
            assert len(module.tasks("on_postload_ioc_create")) == 1, "a switched-off hook started a task"
            assert "ran:on_postload_ioc_create" not in rig.api.ioc(after["ioc_id"])["ioc_tags"]
    finally:
        rig.forget(module)


def return_nothing(package):
    handler = package / "handler.py"
    text = handler.read_text()
    assert "    return requests\n" in text, "the blank handler changed: update return_nothing"
    handler.write_text(text.replace("    return requests\n", "    return []\n", 1))


def test_a_preload_handler_returning_nothing_leaves_the_analysts_request_working(rig, bake):
    module = deploy(rig, bake, "e2epreload", "on_preload_ioc_create", edit=return_nothing)
    try:
        value = f"{uuid.uuid4().hex}.example.com"
        answer = rig.api.add_ioc(value, "domain", description="kept as typed", expect=None)
        assert answer["http_status"] == 200 and answer["status"] == "success", answer
        (stored,) = [row for row in rig.api.iocs() if row["ioc_value"] == value]
        assert stored["ioc_description"] == "kept as typed"
    finally:
        rig.forget(module)
