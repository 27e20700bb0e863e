"""The hook table drives registration and dispatch; a hook never raises into IRIS."""

import dataclasses

import fake_iris
import pytest


def test_every_hook_is_one_iris_has_and_is_switched_by_a_bool_setting(module_class):
    assert fake_iris.hook_problems(module_class) == []
    assert len({hook.name for hook in module_class.hooks}) == len(module_class.hooks), "a hook is listed twice"


def test_each_hook_registers_while_its_switch_is_on(iris, make_module, module_class):
    make_module().register_hooks(module_id=1)

    assert set(iris.hooks) == {hook.name for hook in module_class.hooks}
    for hook in module_class.hooks:
        assert iris.hooks[hook.name] == hook.menu_label


def test_switching_a_hook_off_deregisters_it(iris, make_module, module_class):
    for hook in module_class.hooks:
        make_module().register_hooks(module_id=1)

        make_module(**{hook.toggle: False}).register_hooks(module_id=1)

        assert hook.name not in iris.hooks
        assert len(iris.hooks) == len(module_class.hooks) - 1


def test_manual_hooks_have_a_menu_label_naming_the_module(module_class):
    for hook in module_class.hooks:
        assert (hook.menu_label is not None) == hook.name.startswith("on_manual_trigger_"), hook.name
        if hook.menu_label:
            assert module_class._module_name in hook.menu_label


def _with_handler(module_class, monkeypatch, replacement):
    rows = tuple(dataclasses.replace(hook, handler=replacement(hook)) for hook in module_class.hooks)
    monkeypatch.setattr(module_class, "hooks", rows)
    return rows[0]


def test_every_hook_reaches_its_handler_with_the_data_and_its_name(make_module, module_class, monkeypatch):
    # The handlers are stood in for: this tests the table and the dispatch, not your logic.
    calls = []

    def recorder(hook):
        return lambda data, context: calls.append((hook.handler.__name__, data, context.hook)) or data

    _with_handler(module_class, monkeypatch, recorder)
    for hook in module_class.hooks:
        data = fake_iris.hook_data(hook.name)

        status = make_module().hooks_handler(hook.name, hook.menu_label, data)

        assert status.is_success(), status.get_message()
        assert status.get_data() is data
        assert calls[-1][1:] == (data, hook.name)
    assert len(calls) == len(module_class.hooks)


def test_a_handler_that_raises_gives_an_error_status(make_module, module_class, monkeypatch):
    def broken(data, context):
        raise RuntimeError("service unreachable")

    hook = _with_handler(module_class, monkeypatch, lambda hook: broken)
    data = fake_iris.hook_data(hook.name)

    status = make_module().hooks_handler(hook.name, hook.menu_label, data)

    assert status.is_failure()
    assert "service unreachable" in status.get_message()
    assert status.get_data() is data  # IRIS's data is left as it was
    assert any("RuntimeError" in line for line in status.get_logs())


@pytest.mark.parametrize("returned", [None, "done", {"ioc": 1}])
def test_a_handler_that_returns_no_list_gives_an_error_status(make_module, module_class, monkeypatch, returned):
    hook = _with_handler(module_class, monkeypatch, lambda hook: lambda data, context: returned)
    data = fake_iris.hook_data(hook.name)

    status = make_module().hooks_handler(hook.name, hook.menu_label, data)

    assert status.is_failure()
    assert status.get_data() is data


def test_an_unknown_hook_gives_an_error_status(make_module):
    status = make_module().hooks_handler("on_postload_nothing_create", None, [1])

    assert status.is_failure()


def test_two_calls_share_no_data_or_logs(make_module, module_class, monkeypatch):
    hook = _with_handler(module_class, monkeypatch, lambda hook: lambda data, context: context.log.info(data) or data)
    first_data, second_data = fake_iris.hook_data(hook.name), fake_iris.hook_data(hook.name)

    first = make_module().hooks_handler(hook.name, hook.menu_label, first_data)
    second = make_module().hooks_handler(hook.name, hook.menu_label, second_data)

    assert first is not second
    assert first.get_data() is first_data and second.get_data() is second_data
    assert len(second.get_logs()) == len(first.get_logs())  # nothing carried over from the first call
