"""The settings are ones IRIS can store, show and read back."""

import fake_iris
import pytest


def test_every_setting_has_the_keys_and_a_type_iris_knows(module_class):
    assert fake_iris.settings_problems(module_class._module_configuration) == []


def test_settings_read_back_with_their_defaults(iris, module_class):
    iris.configure(module_class)
    settings = module_class().settings()

    for entry in module_class._module_configuration:
        assert getattr(settings, entry["param_name"]) == entry["default"], entry["param_name"]


def test_a_module_with_no_stored_settings_falls_back_to_defaults(iris, module_class):
    settings = module_class().settings()  # IRIS has not stored any settings yet

    for entry in module_class._module_configuration:
        assert getattr(settings, entry["param_name"]) == entry["default"], entry["param_name"]


def test_a_setting_added_after_install_reads_its_default(iris, module_class, monkeypatch):
    # IRIS does not add new settings to an installed module: the stored ones lack it.
    iris.configure(module_class)
    added = {"param_name": "added_later", "param_human_name": "Added later", "param_description": "",
             "default": 30, "mandatory": True, "type": "int"}  # fmt: skip
    monkeypatch.setattr(module_class, "_module_configuration", [*module_class._module_configuration, added])

    assert module_class().settings().added_later == 30


def test_a_misspelt_setting_fails_at_once(make_module):
    settings = make_module().settings()

    with pytest.raises(AttributeError, match="not a setting of this module"):
        settings.no_such_setting  # noqa: B018


def test_the_checker_flags_what_iris_would_refuse():
    broken = [
        {"param_name": "a", "param_human_name": "A", "param_description": "", "default": 1, "type": "int"},
        {"param_name": "b", "param_human_name": "B", "param_description": "", "default": "x", "mandatory": True,
         "type": "float"},
        {"param_name": "c", "param_human_name": "C", "param_description": "", "default": "yes", "mandatory": True,
         "type": "bool"},
        {"param_name": "d", "param_human_name": "D", "param_description": "", "default": None, "mandatory": True,
         "type": "sensitive_string"},
    ]  # fmt: skip

    problems = fake_iris.settings_problems(broken)

    assert any("'a' lacks mandatory" in p for p in problems)
    assert any("'b' has type 'float'" in p for p in problems)
    assert any("'c': default 'yes'" in p for p in problems)
    assert fake_iris.unset_mandatory(broken) == ["d"]


def test_secret_settings_never_reach_logs_or_statuses(iris, module_class, monkeypatch, caplog):
    caplog.set_level("INFO")
    secret = "sk-live-0123456789"
    api_key = {"param_name": "api_key", "param_human_name": "API key", "param_description": "", "default": None,
               "mandatory": True, "type": "sensitive_string"}  # fmt: skip
    monkeypatch.setattr(module_class, "_module_configuration", [*module_class._module_configuration, api_key])
    iris.configure(module_class, api_key=secret)
    module = module_class()

    module.log.info("calling https://api.example/?key=%s", secret)
    try:
        raise ConnectionError(f"refused for key {secret}")
    except ConnectionError as error:
        module.log.exception("lookup failed")
        status = module.error(f"lookup failed: {error}")

    assert module.settings().api_key == secret
    assert "calling https://api.example/?key=********" in caplog.text
    assert secret not in caplog.text
    assert secret not in repr(module.settings())
    assert secret not in status.get_message()
    assert not any(secret in line for line in status.get_logs())
    assert any("********" in line for line in status.get_logs())


def test_the_secret_fields_declared_are_keys_of_json_settings(module_class):
    # config.SECRET_FIELDS: a name that is not a textfield_json setting would mask nothing, silently.
    types = {entry["param_name"]: entry["type"] for entry in module_class._module_configuration}

    for name, keys in module_class.secret_fields.items():
        assert types.get(name) == "textfield_json", f"SECRET_FIELDS names {name!r}, not a textfield_json setting"
        assert keys and not isinstance(keys, str), f"SECRET_FIELDS[{name!r}]: a tuple of keys, e.g. ('key',)"
