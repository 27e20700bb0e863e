"""The settings are ones IRIS can store, show and read back."""

import fake_iris


def test_every_setting_has_the_keys_and_a_type_iris_knows(module_class):
    assert fake_iris.settings_problems(module_class._module_configuration) == []


def test_settings_read_back_with_their_defaults(make_module, module_class):
    module = make_module()

    expected = {s["param_name"]: s["default"] for s in module_class._module_configuration}
    assert module.settings() == expected


def test_a_module_with_no_stored_settings_falls_back_to_defaults(iris, module_class):
    module = module_class()  # IRIS has not stored any settings yet

    assert set(module.settings()) == {s["param_name"] for s in module_class._module_configuration}


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


def test_secret_settings_never_reach_logs_or_statuses(iris, module_class, monkeypatch):
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

    assert module.settings()["api_key"] == secret
    assert secret not in status.get_message()
    assert not any(secret in line for line in status.get_logs())
    assert any("********" in line for line in status.get_logs())
