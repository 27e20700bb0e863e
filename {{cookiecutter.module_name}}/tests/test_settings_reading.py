"""Each stored value reads as its type, or says why not; the problems, notes and statuses say it in full.

The reading of one value by one, as settings.py does it, and what the module class shares
(base.py): the context a handler gets, error statuses, and the loggers it leaves behind.
"""

import importlib
import json
import logging

import pytest
from iris_interface.IrisInterfaceStatus import I2CodeError, I2CodeSuccess

from {{ cookiecutter.__package_name }} import settings
from {{ cookiecutter.__package_name }}.settings import MASK, Settings, SettingsError, Unreadable, read


def entry(name, setting_type, default=None, mandatory=False, human=None):
    return {"param_name": name, "param_human_name": name if human is None else human, "param_description": "",
            "default": default, "mandatory": mandatory, "type": setting_type}  # fmt: skip


def stored(**values):
    return [{"param_name": name, "value": value} for name, value in values.items()]


@pytest.mark.parametrize("word", ["true", "True", " YES ", "on", "1", 1, True])
def test_a_true_word_reads_as_on(word):
    assert read(word, "bool") is True


@pytest.mark.parametrize("word", ["false", "FALSE", " no ", "Off", "0", 0, False])
def test_a_false_word_reads_as_off(word):
    assert read(word, "bool") is False


@pytest.mark.parametrize("word", ["", "maybe", "2", "none"])
def test_any_other_word_does_not_read_as_a_bool(word):
    with pytest.raises(Unreadable, match="^neither true nor false$"):
        read(word, "bool")


@pytest.mark.parametrize(("value", "number"), [(30, 30), ("30", 30), (" -7 ", -7), ("+5", 5), (0, 0)])
def test_whole_numbers_read_as_int(value, number):
    assert read(value, "int") == number


@pytest.mark.parametrize("value", [True, False, "3O", "1.5", "1e3"])
def test_a_bool_or_other_text_does_not_read_as_int(value):
    # True is an int to Python; as a stored "int" it is a mistake, never 1.
    with pytest.raises(Unreadable, match="^not a whole number$"):
        read(value, "int")


def test_an_empty_int_reads_as_no_value():
    assert read("  ", "int") is None
    assert read(None, "int") is None


@pytest.mark.parametrize(("value", "text"), [(30, "30"), (1.5, "1.5"), ("as typed ", "as typed ")])
def test_numbers_read_as_their_text(value, text):
    assert read(value, "string") == text


@pytest.mark.parametrize(("value", "kind"), [(True, "bool"), ([1], "list"), ({"a": 1}, "dict")])
def test_a_bool_or_a_structure_does_not_read_as_text(value, kind):
    with pytest.raises(Unreadable, match=f"^a {kind}, not text$"):
        read(value, "string")


def test_json_text_must_parse_and_empty_json_text_is_no_json():
    assert read('{"a": 1}', "textfield_json") == '{"a": 1}'
    assert read("  ", "textfield_json") == "  "
    with pytest.raises(Unreadable, match="^text that is not JSON"):
        read("{a", "textfield_json")
    assert read("{a", "string") == "{a"


def test_a_type_with_no_reading_keeps_its_value():
    assert read([1, 2], "multiselect") == [1, 2]


def test_a_problem_names_the_setting_as_the_admin_sees_it():
    assert settings.label(entry("max_age", "int", human="Max age")) == "Max age (max_age)"
    assert settings.label(entry("max_age", "int", human="max_age")) == "max_age"
    assert settings.label(entry("max_age", "int", human="")) == "max_age"
    assert settings.label({"param_name": "max_age"}) == "max_age"


def test_a_long_value_is_cut_at_sixty_characters_in_a_problem():
    fits, longer = "x" * 58, "x" * 59  # repr adds the two quotes: 60 and 61 characters
    assert settings.shown(fits, sensitive=False) == repr(fits)
    assert settings.shown(longer, sensitive=False) == repr(longer)[:57] + "..."
    assert len(settings.shown(longer, sensitive=False)) == 60
    assert settings.shown("sk-live", sensitive=True) == MASK


def test_the_settings_error_lists_each_problem_and_what_to_do():
    error = SettingsError(["a holds 'x'", "b is mandatory and empty"])

    assert str(error) == (
        "a holds 'x'; b is mandatory and empty. Nothing was done: fix the setting(s) under Manage > Advanced > Modules"
    )
    assert error.problems == ["a holds 'x'", "b is mandatory and empty"]


def test_a_sensitive_value_that_does_not_read_is_masked_in_its_problem():
    reading = Settings([entry("key", "sensitive_string"), entry("age", "int")], stored(key=["sk-live"], age="x"))

    assert settings.problems(reading) == {
        "key": f"key holds {MASK}, which does not read as sensitive_string: a list, not text",
        "age": "age holds 'x', which does not read as int: not a whole number",
    }


def test_only_text_secrets_are_kept_to_mask():
    entries = [entry("key", "sensitive_string"), entry("empty", "sensitive_string", default=""),
               entry("number", "sensitive_string"), entry("site", "string")]  # fmt: skip

    reading = Settings(entries, stored(key="sk-live", number=12345, site="public"))

    assert settings.secrets(reading) == ("sk-live",)


def test_the_secrets_of_a_json_setting_are_the_values_under_its_secret_keys_at_any_depth():
    text = json.dumps({"key": ["k1", {"note": "k2", "on": True}, None, "", 0], "name": "chat", "url": ""})

    assert settings.json_secrets(text, {"key"}) == ["k1", "k2", "0"]  # true, null and "" hide nothing
    assert settings.json_secrets(json.dumps({"key": ""}), {"key"}) == []
    assert [settings.json_secrets(empty, {"key"}) for empty in ("", "  ", None)] == [[], [], []]
    assert settings.json_secrets("{not json", {"key"}) == ["{not json"]  # which part is a key cannot be told


def test_the_secrets_of_a_json_setting_join_those_of_the_sensitive_strings():
    entries = [entry("key", "sensitive_string"), entry("instances", "textfield_json", default="[]")]

    reading = Settings(
        entries, stored(key="sk-live", instances='[{"key": "k1"}]'), secret_fields={"instances": ("key",)}
    )

    assert list(settings.secrets(reading)) == ["sk-live", "k1"]


def test_mandatory_settings_left_empty_are_named():
    entries = [entry("site", "string", mandatory=True), entry("age", "int", mandatory=True),
               entry("note", "string", default="")]  # fmt: skip

    reading = Settings(entries, stored(site="", age=" "))

    assert settings.empty_mandatory(reading) == ["site", "age"]
    assert settings.problems(reading) == {"site": "site is mandatory and empty", "age": "age is mandatory and empty"}


def test_the_settings_whose_text_appears_in_a_message_are_named():
    entries = [entry("url", "string"), entry("empty", "string", default=""), entry("count", "int")]
    reading = Settings(entries, stored(url="https://vt.example", count=3))

    assert settings.names_holding(reading, "no answer from https://vt.example/api, 3 tries") == ["url"]
    assert settings.names_holding(reading, "nothing of theirs") == []


def test_a_misspelt_setting_names_the_settings_there_are():
    reading = Settings([entry("site", "string"), entry("age", "int")])

    with pytest.raises(
        AttributeError, match=r"^'sight' is not a setting of this module; config.CONFIGURATION has site, age$"
    ):
        reading.sight  # noqa: B018


def test_the_settings_show_their_values_but_a_secret():
    reading = Settings([entry("key", "sensitive_string"), entry("age", "int")], stored(key="sk-live", age="3"))

    assert repr(reading) == f"Settings(key={MASK!r}, age=3)"


def test_the_context_carries_what_the_call_gives(make_module, iris):
    iris.server_settings["https_proxy"] = "http://proxy.example:3128"
    module = make_module()
    args = {"note": "from the analyst"}

    context = module.context(args=args, hook="on_manual_trigger_case", case_id=4, user_id=2)

    assert context.hook == "on_manual_trigger_case"
    assert (context.case_id, context.user_id) == (4, 2)
    assert context.args == args and context.args is not args  # the handler's own copy
    assert context.server_settings["https_proxy"] == "http://proxy.example:3128"
    assert context.log is module.log
    assert context.failures == []


def test_a_bare_context_has_no_hook_arguments_case_or_user(make_module):
    context = make_module().context()

    assert (context.hook, context.args, context.case_id, context.user_id) == ("", {}, None, None)


def test_a_context_without_server_settings_has_an_empty_dict(make_module, monkeypatch):
    module = make_module()
    monkeypatch.setattr(type(module), "server_dict_conf", property(lambda self: None))

    assert module.context().server_settings == {}


def test_statuses_carry_the_interfaces_codes_and_errors_are_logged(make_module, caplog):
    module = make_module()
    caplog.set_level("INFO")

    success, error = module.success("done", data=[1]), module.error("went wrong", data=[2])

    assert (success.code, success.get_message(), success.get_data()) == (I2CodeSuccess, "done", [1])
    assert (error.code, error.get_message(), error.get_data()) == (I2CodeError, "went wrong", [2])
    assert "went wrong" in caplog.messages
    assert any("went wrong" in line for line in error.get_logs())


def test_a_forgotten_logger_leaves_no_trace_and_forgetting_twice_is_harmless(module_class):
    base = importlib.import_module("{{ cookiecutter.__package_name }}.base")  # once the fake IRIS is in
    logger = logging.getLogger("dim_mutation_test.parent.child")
    parent = logging.Logger.manager.loggerDict["dim_mutation_test.parent"]
    assert isinstance(parent, logging.PlaceHolder) and logger in parent.loggerMap

    base._forget_logger(logger)
    base._forget_logger(logger)

    assert "dim_mutation_test.parent.child" not in logging.Logger.manager.loggerDict
    assert logger not in parent.loggerMap


def test_the_module_logger_is_not_kept_by_logging(make_module):
    module = make_module()

    assert module.log.name not in logging.Logger.manager.loggerDict
