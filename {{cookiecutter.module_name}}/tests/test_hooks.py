"""The hook table drives registration and dispatch; a hook never raises into IRIS."""

import dataclasses

import fake_iris
import pytest


def test_each_hook_registers_while_its_toggle_is_on(iris, make_module, module_class):
    make_module().register_hooks(module_id=1)

    assert set(iris.hooks) == {hook.name for hook in module_class.hooks}
    for hook in module_class.hooks:
        assert iris.hooks[hook.name] == hook.menu_label


@pytest.mark.parametrize("row", range(2))
def test_switching_a_toggle_off_deregisters_its_hook(iris, make_module, module_class, row):
    hook = module_class.hooks[row]
    make_module().register_hooks(module_id=1)

    make_module(**{hook.toggle: False}).register_hooks(module_id=1)

    assert hook.name not in iris.hooks
    assert len(iris.hooks) == len(module_class.hooks) - 1


def test_manual_hooks_have_a_menu_label_naming_the_module(module_class):
    for hook in module_class.hooks:
        if hook.name.startswith("on_manual_trigger_"):
            assert module_class._module_name in hook.menu_label


def test_every_hook_reaches_its_handler(make_module, module_class):
    for hook in module_class.hooks:
        iocs = [fake_iris.ioc()]

        status = make_module().hooks_handler(hook.name, hook.menu_label, iocs)

        assert status.is_success(), status.get_message()
        assert status.get_data() == iocs


def _with_handler(module_class, monkeypatch, handler):
    rows = tuple(dataclasses.replace(hook, handler=handler) for hook in module_class.hooks)
    monkeypatch.setattr(module_class, "hooks", rows)
    return rows[0]


def test_a_handler_that_raises_gives_an_error_status(make_module, module_class, monkeypatch):
    def broken(objects, context):
        raise RuntimeError("service unreachable")

    hook = _with_handler(module_class, monkeypatch, broken)
    iocs = [fake_iris.ioc()]

    status = make_module().hooks_handler(hook.name, None, iocs)

    assert status.is_failure()
    assert "service unreachable" in status.get_message()
    assert status.get_data() is iocs  # IRIS's data is left as it was
    assert any("RuntimeError" in line for line in status.get_logs())


@pytest.mark.parametrize("returned", [None, "done", {"ioc": 1}])
def test_a_handler_that_returns_no_list_gives_an_error_status(make_module, module_class, monkeypatch, returned):
    hook = _with_handler(module_class, monkeypatch, lambda objects, context: returned)
    iocs = [fake_iris.ioc()]

    status = make_module().hooks_handler(hook.name, None, iocs)

    assert status.is_failure()
    assert status.get_data() is iocs


def test_an_unknown_hook_gives_an_error_status(make_module):
    status = make_module().hooks_handler("on_postload_case_delete", None, [1])

    assert status.is_failure()


def test_two_calls_share_no_data_or_logs(make_module, module_class):
    hook = module_class.hooks[0]
    first_iocs, second_iocs = [fake_iris.ioc("198.51.100.1")], [fake_iris.ioc("example.org", "domain")]

    first = make_module().hooks_handler(hook.name, None, first_iocs)
    second = make_module().hooks_handler(hook.name, None, second_iocs)

    assert first is not second
    assert first.get_data() == first_iocs and second.get_data() == second_iocs
    assert not any("example.org" in line for line in first.get_logs())
    assert not any("198.51.100.1" in line for line in second.get_logs())


def test_handle_iocs(make_module, module_class):
    iocs = [fake_iris.ioc("evil.example", "domain")]

    status = make_module().hooks_handler("on_postload_ioc_create", None, iocs)

    assert status.is_success(), status.get_message()
    # TODO: assert what your handler does to the IOC, e.g. its new tags or description.
    assert status.get_data() == iocs
