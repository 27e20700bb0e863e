"""The hook table drives registration and dispatch; a hook never raises into IRIS; the fake IRIS's commits."""

import dataclasses

import fake_iris
import pytest


def test_every_hook_is_one_iris_has_and_is_switched_by_a_bool_setting(module_class):
    assert fake_iris.hook_problems(module_class) == []
    assert len({hook.name for hook in module_class.hooks}) == len(module_class.hooks), "a hook is listed twice"


def test_each_hook_registers_while_its_switch_is_on(iris, module_class):
    module = iris.add_module(module_class, **fake_iris.switches(module_class))

    assert set(iris.hooks) == {hook.name for hook in module_class.hooks}
    registered = {}
    for row in module.registrations(module.settings()):
        registered.setdefault(row.hook, set()).add(row.menu_label)
    assert {name: set(labels) for name, labels in iris.hooks.items()} == registered


def test_by_default_a_hook_registers_under_its_rows_menu_label(make_module, module_class):
    module = make_module(**fake_iris.switches(module_class))
    processor = _package_module(module_class, "processor")

    # The base class's choice, whatever the module class overrides.
    rows = processor.ProcessorModule.registrations(module, module.settings())

    assert rows == [processor.Registration(hook.name, hook.menu_label) for hook in module_class.hooks]


def test_a_hook_switched_off_when_added_is_not_registered(iris, module_class):
    iris.add_module(module_class, **fake_iris.switches(module_class, on=False))

    assert iris.hooks == {}


def test_a_hook_switched_off_in_the_settings_is_no_longer_registered(iris, module_class):
    # The other hooks are registered already: nothing in IRIS commits during this save. Only the
    # module's own commit saves the deregistration.
    for hook in module_class.hooks:
        iris.add_module(module_class, **fake_iris.switches(module_class))

        iris.save_setting(module_class, hook.name, False)

        assert set(iris.hooks) == {row.name for row in module_class.hooks} - {hook.name}
        if not hook.name.startswith("on_preload_"):
            assert iris.call_hook(module_class, hook.name, fake_iris.hook_data(hook.name), hook.menu_label) is None


@pytest.mark.parametrize("table", [("create", "update"), ("update", "create")], ids=["stale first", "stale last"])
def test_a_hook_left_registered_though_switched_off_goes_at_the_next_save_whatever_the_order(
    iris, module_class, monkeypatch, table
):
    # Left so by a version of the module without its own commit, say: IRIS alone saves the
    # deregistration only when a new registration comes after it in the table (module_handler.py:380-383).
    stale, switched_on = "on_postload_ioc_create", "on_postload_ioc_update"
    _only_hooks(module_class, monkeypatch, {f"on_postload_ioc_{change}": _unchanged for change in table})
    iris.add_module(module_class, **{stale: False, switched_on: False})
    iris.registrations.add((stale, None))

    iris.save_setting(module_class, switched_on, True)

    assert set(iris.hooks) == {switched_on}


def test_a_hook_that_comes_though_switched_off_is_not_run(make_module, module_class, monkeypatch):
    # A task queued before the switch went off still runs: the glue checks the switch at call time.
    calls = []
    _with_handler(module_class, monkeypatch, lambda hook: lambda data, context: calls.append(hook.name) or data)
    for hook in module_class.hooks:
        data = fake_iris.hook_data(hook.name)

        status = make_module(**{hook.name: False}).hooks_handler(hook.name, hook.menu_label, data)

        assert status.is_success() and "switched off" in status.get_message()
        assert status.get_data() is data
    assert calls == []


def test_the_fake_iris_commits_a_registration_at_once_and_a_deregistration_never(iris, module_class):
    # IRIS's register_hook commits (module_handler.py:380-383), deregister_from_hook does not
    # (module_handler.py:393-413): a deregistration is saved by the next commit in its request.
    iris.add_module(module_class, **fake_iris.switches(module_class, on=False))
    iris.register_hook(1, "on_postload_note_create")
    iris.end_request(saved=False)
    assert set(iris.hooks) == {"on_postload_note_create"}

    iris.deregister_from_hook(1, "on_postload_note_create")
    iris.end_request(saved=False)
    assert set(iris.hooks) == {"on_postload_note_create"}

    iris.deregister_from_hook(1, "on_postload_note_create")
    iris.register_hook(1, "on_postload_asset_create")
    iris.end_request(saved=False)
    assert set(iris.hooks) == {"on_postload_asset_create"}


def test_a_queued_hook_writes_its_object_back_as_queued_erasing_what_came_since(iris, module_class, monkeypatch):
    # IRIS's worker, not the module, does this (module_handler.py:446-468): whatever the module
    # writes, a task queued earlier can undo it.
    marks = iter(["first", "second"])

    def tag(iocs, context):
        for ioc in iocs:
            ioc.ioc_tags = f"{ioc.ioc_tags},{next(marks)}"
        return iocs

    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_update": tag})
    iris.add_module(module_class, on_postload_ioc_update=True)
    ioc = fake_iris.ioc(tags="phishing")
    first = iris.queue_hook(module_class, "on_postload_ioc_update", ioc)
    second = iris.queue_hook(module_class, "on_postload_ioc_update", ioc)  # another module's, as well
    ioc.ioc_description = "edited by an analyst"

    iris.run_task(first)
    assert (ioc.ioc_tags, ioc.ioc_description) == ("phishing,first", "")
    iris.run_task(second)
    assert ioc.ioc_tags == "phishing,second"


def _only_hooks(module_class, monkeypatch, handlers):
    """The module with a hook table of its own: a row per hook name in ``handlers``, and their switches."""
    rows = tuple(dataclasses.replace(module_class.hooks[0], name=name, handler=handler, menu_label=None)
                 for name, handler in handlers.items())  # fmt: skip
    monkeypatch.setattr(module_class, "hooks", rows)
    switches = [{"param_name": name, "param_human_name": name, "param_description": "", "default": True,
                 "mandatory": True, "type": "bool"} for name in handlers]  # fmt: skip
    settings = [setting for setting in module_class._module_configuration if setting["param_name"] not in handlers]
    monkeypatch.setattr(module_class, "_module_configuration", [*settings, *switches])


def _unchanged(data, context):
    return data


def test_manual_hooks_have_a_menu_label_naming_the_module(make_module, module_class):
    # IRIS lists every module's entries side by side; older IRIS fired the wrong module when two shared one.
    for hook in module_class.hooks:
        assert (hook.menu_label is not None) == hook.name.startswith("on_manual_trigger_"), hook.name
        if hook.menu_label:
            assert module_class._module_name in hook.menu_label
    module = make_module(**fake_iris.switches(module_class))
    for row in module.registrations(module.settings()):
        assert row.menu_label is None or module_class._module_name in row.menu_label, row


def _with_handler(module_class, monkeypatch, replacement):
    rows = tuple(dataclasses.replace(hook, handler=replacement(hook)) for hook in module_class.hooks)
    monkeypatch.setattr(module_class, "hooks", rows)
    return rows[0]


def test_every_hook_reaches_its_handler_with_the_data_and_its_name(make_module, module_class, monkeypatch):
    # The handlers are stood in for: this tests the table and the dispatch, not your logic.
    calls = []

    def recorder(hook):
        return lambda data, context: calls.append((data, context)) or data

    _with_handler(module_class, monkeypatch, recorder)
    for hook in module_class.hooks:
        data = fake_iris.hook_data(hook.name)

        module = make_module(**fake_iris.switches(module_class))
        label = fake_iris.menu_label(module, hook.name)

        status = module.hooks_handler(hook.name, label, data)

        assert status.is_success(), status.get_message()
        assert status.get_data() is data
        seen, context = calls[-1]
        facts = fake_iris.IRIS_HOOKS[hook.name]
        assert seen is data
        assert (context.hook, context.menu_label) == (hook.name, label)
        assert (context.kind, context.phase, context.shape) == (facts["kind"], facts["phase"], facts["data"])
    assert len(calls) == len(module_class.hooks)


def test_a_handler_that_raises_gives_an_error_status(make_module, module_class, monkeypatch):
    def broken(data, context):
        raise RuntimeError("service unreachable")

    hook = _with_handler(module_class, monkeypatch, lambda hook: broken)
    data = fake_iris.hook_data(hook.name)

    module = make_module(**fake_iris.switches(module_class))

    status = module.hooks_handler(hook.name, fake_iris.menu_label(module, hook.name), data)

    assert status.is_failure()
    assert "service unreachable" in status.get_message()
    assert status.get_data() is data  # the glue gives back what IRIS gave
    assert any("RuntimeError" in line for line in status.get_logs())


@pytest.mark.parametrize("returned", [None, "done", {"ioc": 1}])
def test_a_handler_that_returns_no_list_gives_an_error_status(make_module, module_class, monkeypatch, returned):
    hook = _with_handler(module_class, monkeypatch, lambda hook: lambda data, context: returned)
    data = fake_iris.hook_data(hook.name)

    module = make_module(**fake_iris.switches(module_class))

    status = module.hooks_handler(hook.name, fake_iris.menu_label(module, hook.name), data)

    assert status.is_failure()
    assert status.get_data() is data


def test_a_hook_row_without_its_switch_gives_an_error_status(make_module, module_class, monkeypatch):
    unswitched = dataclasses.replace(module_class.hooks[0], name="on_postload_nothing_create")
    monkeypatch.setattr(module_class, "hooks", (unswitched,))

    status = make_module().hooks_handler(unswitched.name, None, [1])

    assert status.is_failure()
    assert "'on_postload_nothing_create' is not a setting of this module" in status.get_message()


def test_an_unknown_hook_gives_an_error_status(make_module):
    status = make_module().hooks_handler("on_postload_nothing_create", None, [1])

    assert status.is_failure()


def test_two_calls_share_no_data_or_logs(make_module, module_class, monkeypatch):
    hook = _with_handler(module_class, monkeypatch, lambda hook: lambda data, context: context.log.info(data) or data)
    first_data, second_data = fake_iris.hook_data(hook.name), fake_iris.hook_data(hook.name)

    label = fake_iris.menu_label(make_module(**fake_iris.switches(module_class)), hook.name)

    first = make_module(**fake_iris.switches(module_class)).hooks_handler(hook.name, label, first_data)
    second = make_module(**fake_iris.switches(module_class)).hooks_handler(hook.name, label, second_data)

    assert first is not second
    assert first.get_data() is first_data and second.get_data() is second_data
    assert len(second.get_logs()) == len(first.get_logs())  # nothing carried over from the first call


def test_one_object_that_fails_is_reported_and_the_others_are_processed(make_module, module_class, monkeypatch):
    def one_fails(data, context):
        for item in data:
            with context.isolate(f"item {item}"):
                if item == "bad":
                    raise ValueError("refused by the service")
                done.append(item)
        return data

    done = []
    hook = _with_handler(module_class, monkeypatch, lambda hook: one_fails)
    module = make_module(**fake_iris.switches(module_class))

    status = module.hooks_handler(hook.name, fake_iris.menu_label(module, hook.name), ["a", "bad", "c"])

    assert done == ["a", "c"]
    assert status.is_failure()
    assert "2 of 3 object(s) processed, 1 failed: item bad: ValueError: refused by the service" in status.get_message()


def test_a_preload_handler_that_returns_nothing_leaves_the_request_as_it_was(iris, module_class, monkeypatch):
    _only_hooks(module_class, monkeypatch, {"on_preload_ioc_create": lambda data, context: []})
    iris.add_module(module_class, on_preload_ioc_create=True)
    request = {"ioc_value": "203.0.113.7", "ioc_type_id": 1}

    # IRIS takes element [0] of what a preload hook returns: [] would fail the analyst's request.
    assert iris.call_hook(module_class, "on_preload_ioc_create", request) == request


def test_the_package_knows_each_hooks_kind_phase_and_shape_as_the_catalogue_says(module_class):
    # The package cannot read tests/iris_hooks.json once installed: its own table must not drift from it.
    iris_hooks = _package_module(module_class, "iris_hooks")

    catalogue = {name: (hook["kind"], hook["phase"], hook["data"]) for name, hook in fake_iris.IRIS_HOOKS.items()}
    assert {name: tuple(facts) for name, facts in iris_hooks.HOOKS.items()} == catalogue
    assert iris_hooks.PHASES == fake_iris.CATALOGUE["phases"] and iris_hooks.SHAPES == fake_iris.CATALOGUE["data"]
    assert iris_hooks.facts("on_postload_nothing_create") == {}


# A module whose hooks come from its own settings: a menu entry per target a JSON setting lists.
TARGETS = {"param_name": "targets", "param_human_name": "Targets", "param_description": "", "default": '["A", "B"]',
           "mandatory": False, "type": "textfield_json"}  # fmt: skip
MANUAL_HOOK = "on_manual_trigger_ioc"


@pytest.fixture
def by_targets(module_class, monkeypatch):
    """The module with one manual hook, registered once per target named in its ``targets`` setting."""
    import json

    registration = _package_module(module_class, "processor").Registration
    clicked = []

    def send(data, context):
        clicked.append(context.menu_label)
        return data

    def registrations(self, settings):
        if not settings.on_manual_trigger_ioc:  # the admin's switch still rules
            return []
        return [registration(MANUAL_HOOK, f"Send to {name}") for name in json.loads(settings.targets)]

    _only_hooks(module_class, monkeypatch, {MANUAL_HOOK: send})
    monkeypatch.setattr(module_class, "_module_configuration", [*module_class._module_configuration, TARGETS])
    monkeypatch.setattr(module_class, "registrations", registrations)
    return clicked


def test_registrations_from_the_settings_give_a_menu_entry_each_and_the_clicked_one_reaches_the_handler(
    iris, module_class, by_targets
):
    iris.add_module(module_class)

    assert iris.hooks == {MANUAL_HOOK: ["Send to A", "Send to B"]}
    status = iris.call_hook(module_class, MANUAL_HOOK, [fake_iris.ioc()], hook_ui_name="Send to B")
    assert status.is_success(), status.get_message()
    assert by_targets == ["Send to B"]


def test_a_menu_entry_the_settings_no_longer_name_is_deregistered_and_its_queued_task_does_nothing(
    iris, module_class, by_targets
):
    iris.add_module(module_class)
    queued = iris.queue_hook(module_class, MANUAL_HOOK, [fake_iris.ioc()], hook_ui_name="Send to B")

    iris.save_setting(module_class, "targets", '["A"]')

    # Nothing else commits in this request: the module's own commit saves the removal.
    assert iris.hooks == {MANUAL_HOOK: ["Send to A"]}
    status = iris.run_task(queued)
    assert status.is_success() and "menu entry 'Send to B' is switched off" in status.get_message()
    assert by_targets == []


def test_settings_that_do_not_say_which_hooks_leave_the_registrations_as_they_were(iris, module_class, by_targets):
    iris.add_module(module_class)

    iris.save_setting(module_class, "targets", "[not json")

    assert iris.hooks == {MANUAL_HOOK: ["Send to A", "Send to B"]}
    status = iris.call_hook(module_class, MANUAL_HOOK, [fake_iris.ioc()], hook_ui_name="Send to A")
    assert status.is_failure() and "targets" in status.get_message()
    assert by_targets == []


def test_a_registration_iris_could_not_call_back_is_left_out(iris, module_class, monkeypatch, caplog):
    registration = _package_module(module_class, "processor").Registration
    _only_hooks(module_class, monkeypatch, {MANUAL_HOOK: _unchanged, "on_postload_ioc_create": _unchanged})
    wanted = [
        registration(MANUAL_HOOK),  # IRIS would make up a label dispatch does not know
        registration("on_postload_note_create"),  # no row, so no handler
        registration("on_postload_ioc_create"),
        registration("on_postload_ioc_create"),
    ]
    monkeypatch.setattr(module_class, "registrations", lambda self, settings: wanted)

    iris.add_module(module_class)

    assert iris.hooks == {"on_postload_ioc_create": [None]}
    assert f"Not registered to {MANUAL_HOOK}: a manual hook needs a menu label" in caplog.messages
    assert "Not registered to on_postload_note_create: the hook table has no row (no handler) for it" in caplog.messages


def test_the_fake_iris_keeps_one_registration_per_hook_and_label(iris, module_class):
    # module_handler.py:366-390 looks a registration up by hook and label; :350-354 labels a manual
    # hook registered without one; :403-411 deletes every label of a hook at once.
    iris.add_module(module_class, **fake_iris.switches(module_class, on=False))
    for label in ("Send to A", "Send to A", "Send to B", None):
        iris.register_hook(1, MANUAL_HOOK, label)
    iris.register_hook(1, "on_postload_note_create")
    iris.register_hook(1, "on_postload_note_create")

    package = module_class.__module__.partition(".")[0]
    assert iris.hooks == {
        MANUAL_HOOK: sorted(["Send to A", "Send to B", f"{package}::{MANUAL_HOOK}"]),
        "on_postload_note_create": [None],
    }

    iris.deregister_from_hook(1, MANUAL_HOOK)
    iris.session_commit()
    assert iris.hooks == {"on_postload_note_create": [None]}


def test_the_status_counts_what_the_handler_isolated_when_it_splits_the_work_otherwise(
    make_module, module_class, monkeypatch
):
    def to_each_webhook(data, context):
        for name in ("ok", "down"):
            with context.isolate(f"webhook {name!r}", unit="webhook"):
                if name == "down":
                    raise ConnectionError("refused")
        return data

    hook = _with_handler(module_class, monkeypatch, lambda hook: to_each_webhook)
    module = make_module(**fake_iris.switches(module_class))

    status = module.hooks_handler(hook.name, fake_iris.menu_label(module, hook.name), fake_iris.hook_data(hook.name))

    assert status.is_failure()
    assert "1 of 2 webhook(s) processed, 1 failed: webhook 'down': ConnectionError: refused" in status.get_message()


def test_scopes_of_several_kinds_are_counted_as_units(make_module, module_class, monkeypatch):
    def to_a_webhook_and_a_host(data, context):
        for label, unit in (("webhook 'a'", "webhook"), ("host 'b'", "host")):
            with context.isolate(label, unit=unit):
                pass
        return data

    hook = _with_handler(module_class, monkeypatch, lambda hook: to_a_webhook_and_a_host)
    module = make_module(**fake_iris.switches(module_class))

    status = module.hooks_handler(hook.name, fake_iris.menu_label(module, hook.name), fake_iris.hook_data(hook.name))

    assert status.get_message() == f"{hook.name}: 2 unit(s) processed"


def test_a_manual_hook_is_registered_under_its_menu_entry_and_says_so(iris, module_class, monkeypatch, caplog):
    processor = _package_module(module_class, "processor")
    monkeypatch.setattr(module_class, "registrations", processor.ProcessorModule.registrations)
    _only_hooks(module_class, monkeypatch, {MANUAL_HOOK: _unchanged})
    monkeypatch.setattr(module_class, "hooks", (dataclasses.replace(module_class.hooks[0], menu_label="Look it up"),))
    caplog.set_level("INFO")

    iris.add_module(module_class, on_manual_trigger_ioc=True)

    assert f"Registered to {MANUAL_HOOK} as 'Look it up'" in caplog.messages


def test_a_switched_off_hook_called_without_a_menu_entry_says_only_that(make_module, module_class, monkeypatch):
    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_create": _unchanged})
    module = make_module(on_postload_ioc_create=False)

    status = module.hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc()])

    assert status.get_message() == "on_postload_ioc_create is switched off: nothing done"


def _package_module(module_class, name):
    import importlib

    return importlib.import_module(f"{module_class.__module__.partition('.')[0]}.{name}")


def test_the_fake_iris_dumps_an_ioc_and_an_asset_as_iris_schemas_do(iris):
    # A module that sends IRIS's objects elsewhere dumps them with IRIS's own schemas, imported inside
    # the handler (app.* exists only in IRIS): every column, the foreign keys, the declared nested fields.
    import uuid
    from datetime import datetime
    from types import SimpleNamespace

    from app.schema.marshables import CaseAssetsSchema, IocSchema

    ioc = fake_iris.ioc("evil.example", "domain", ioc_uuid=uuid.UUID(int=7), user=object())
    asset = fake_iris.asset(asset_type=SimpleNamespace(asset_name="Windows - Computer"),
                            date_added=datetime(2024, 5, 1, 12, 0))  # fmt: skip

    dumped = IocSchema().dump(ioc)
    assert dumped["ioc_value"] == "evil.example" and dumped["ioc_uuid"] == str(uuid.UUID(int=7))
    assert dumped["ioc_type"]["type_name"] == "domain" and dumped["ioc_type"]["type_id"] is None
    assert dumped["ioc_enrichment"] is None and "user" not in dumped  # a column unset; a relationship left out
    assert IocSchema(many=True).dump([ioc, ioc]) == [dumped, dumped]
    assets = CaseAssetsSchema(only=["asset_name", "asset_type", "date_added", "alerts"]).dump(asset)
    assert assets == {"asset_name": "WKS-001", "asset_type": {"asset_id": None, "asset_name": "Windows - Computer",
                      "asset_description": None, "asset_icon_not_compromised": None, "asset_icon_compromised": None},
                      "date_added": "2024-05-01T12:00:00"}  # fmt: skip


def test_registration_goes_to_the_module_iris_names_and_says_what_it_did(iris, module_class, monkeypatch, caplog):
    calls = []
    monkeypatch.setattr(iris, "register_hook", lambda module_id, iris_hook_name, manual_hook_name=None,
                        run_asynchronously=True: calls.append(("on", module_id, iris_hook_name)) or (True, ["ok"]))  # fmt: skip
    monkeypatch.setattr(iris, "deregister_from_hook", lambda module_id, iris_hook_name:
                        calls.append(("off", module_id, iris_hook_name)) or (True, ["ok"]))  # fmt: skip
    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_create": _unchanged, "on_postload_ioc_update": _unchanged})
    iris.configure(module_class, on_postload_ioc_create=True, on_postload_ioc_update=False)
    caplog.set_level("INFO")

    module_class().register_hooks(module_id=7)

    # Each hook's registrations are dropped, then those wanted made again (processor.register_hooks).
    assert calls == [("off", 7, "on_postload_ioc_create"), ("on", 7, "on_postload_ioc_create"),
                     ("off", 7, "on_postload_ioc_update")]  # fmt: skip
    assert "Registered to on_postload_ioc_create" in caplog.messages
    assert "Deregistered from on_postload_ioc_update: switched off" in caplog.messages


def test_a_refused_registration_is_logged_with_iris_reason(iris, module_class, monkeypatch, caplog):
    monkeypatch.setattr(iris, "register_hook", lambda *args, **kwargs: (False, ["the hook table is locked"]))
    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_create": _unchanged})
    iris.configure(module_class, on_postload_ioc_create=True)

    module_class().register_hooks(module_id=1)

    assert any(message.startswith("Could not register to on_postload_ioc_create: ") and "locked" in message
               for message in caplog.messages)  # fmt: skip


def test_a_switch_that_does_not_read_leaves_the_registrations_as_they_were_and_says_why(
    iris, module_class, monkeypatch, caplog
):
    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_create": _unchanged})
    iris.configure(module_class, on_postload_ioc_create="maybe")

    module_class().register_hooks(module_id=1)
    iris.end_request(saved=True)

    assert iris.hooks == {}
    expected = "Registrations left as they were: SettingsError: on_postload_ioc_create holds 'maybe'"
    assert any(message.startswith(expected) for message in caplog.messages), caplog.messages


def test_an_unknown_hook_is_named_and_its_data_given_back(make_module):
    data = [fake_iris.ioc()]

    status = make_module().hooks_handler("on_postload_nothing_create", None, data)

    assert status.get_message() == "on_postload_nothing_create is not in this module's hook table"
    assert status.get_data() is data


def test_a_setting_that_does_not_read_gives_the_data_back(iris, module_class, monkeypatch):
    hook = _with_handler(module_class, monkeypatch, lambda hook: _unchanged)
    iris.configure(module_class, **{**fake_iris.filled_mandatory(module_class), hook.name: "maybe"})
    data = fake_iris.hook_data(hook.name)

    status = module_class().hooks_handler(hook.name, hook.menu_label, data)

    assert status.is_failure() and status.get_message().startswith(f"{hook.name}: ")
    assert f"({hook.name}) holds 'maybe', which does not read as bool" in status.get_message()
    assert status.get_data() is data


def test_a_handler_that_raises_is_named_with_the_error(make_module, module_class, monkeypatch, caplog):
    def lookup(data, context):
        raise TimeoutError("no answer")

    hook = _with_handler(module_class, monkeypatch, lambda hook: lookup)

    status = make_module(**fake_iris.switches(module_class)).hooks_handler(hook.name, hook.menu_label, [1])

    assert status.get_message() == f"{hook.name} failed: TimeoutError: no answer"
    assert f"lookup failed on {hook.name}" in caplog.messages


def test_a_handler_that_returns_no_list_is_named_with_what_it_returned(make_module, module_class, monkeypatch):
    def lookup(data, context):
        return "done"

    hook = _with_handler(module_class, monkeypatch, lambda hook: lookup)

    status = make_module(**fake_iris.switches(module_class)).hooks_handler(hook.name, hook.menu_label, [1])

    assert status.get_message() == "lookup returned str, not the list of objects"


def test_a_postload_handler_may_return_no_object(make_module, module_class, monkeypatch):
    _only_hooks(module_class, monkeypatch, {"on_postload_ioc_create": lambda data, context: []})

    status = make_module().hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc()])

    assert status.is_success() and status.get_data() == []
    assert status.get_message() == "on_postload_ioc_create: 1 object(s) processed"


def test_a_preload_handler_that_returns_nothing_is_named_the_data_given_back(make_module, module_class, monkeypatch):
    def lookup(data, context):
        return []

    _only_hooks(module_class, monkeypatch, {"on_preload_ioc_create": lookup})
    data = [{"ioc_value": "203.0.113.7"}]

    status = make_module().hooks_handler("on_preload_ioc_create", None, data)

    assert status.get_message() == "lookup returned no object for on_preload_ioc_create; the request goes on unchanged"
    assert status.get_data() is data


def test_every_failed_object_is_named_and_the_objects_given_back(make_module, module_class, monkeypatch):
    def two_fail(data, context):
        for item in data:
            with context.isolate(f"item {item}"):
                if item != "good":
                    raise ValueError(f"{item} refused")
        return ["changed"]

    hook = _with_handler(module_class, monkeypatch, lambda hook: two_fail)

    status = make_module(**fake_iris.switches(module_class)).hooks_handler(hook.name, None, ["a", "good", "b"])

    assert status.get_message() == (
        f"{hook.name}: 1 of 3 object(s) processed, 2 failed: item a: ValueError: a refused; item b: ValueError: b refused"
    )
    assert status.get_data() == ["changed"]


def test_a_manual_hook_is_registered_with_its_menu_entry(iris, module_class, monkeypatch):
    # The default registrations (a module may decide its own from its settings: processor.registrations)
    processor = _package_module(module_class, "processor")
    monkeypatch.setattr(module_class, "registrations", processor.ProcessorModule.registrations)
    _only_hooks(module_class, monkeypatch, {"on_manual_trigger_ioc": _unchanged})
    monkeypatch.setattr(module_class, "hooks", (dataclasses.replace(module_class.hooks[0], menu_label="Look it up"),))

    iris.add_module(module_class, on_manual_trigger_ioc=True)

    assert iris.hooks == {"on_manual_trigger_ioc": ["Look it up"]}
