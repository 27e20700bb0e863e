"""A mistyped setting stops the module before anything is done, and no form of a secret is published.

IRIS's settings dialog is a plain text box: an ``int`` setting can hold ``abc``. The module
must then do nothing and say which setting to fix, never run on its defaults.
"""

import base64
import json
import logging
from urllib.parse import quote

import fake_iris
import pytest

SECRET = "sk-live\\0123/456+789=&"


def entry(name, setting_type, default=None, mandatory=False):
    return {"param_name": name, "param_human_name": name, "param_description": "", "default": default,
            "mandatory": mandatory, "type": setting_type}  # fmt: skip


@pytest.fixture
def with_settings(iris, module_class, monkeypatch):
    """Declare ``entries`` besides the module's own, store ``values`` as an admin typed them; the module."""

    def make(entries, **values):
        monkeypatch.setattr(module_class, "_module_configuration", [*module_class._module_configuration, *entries])
        filled = {**fake_iris.switches(module_class), **fake_iris.filled_mandatory(module_class)}
        iris.configure(module_class, **{**filled, **values})
        return module_class()

    return make


@pytest.fixture
def folder(tmp_path):
    """The upload folder of a pipeline, with one file waiting (processors ignore it)."""
    (tmp_path / "upload.txt").write_text("uploaded\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def handled(module_class, monkeypatch):
    """What reaches the handler: the module's handler is stood in for by one that records its calls."""
    calls = []
    fake_iris.stand_in_handler(module_class, monkeypatch, lambda data, context: calls.append(context) or data)
    return calls


def test_a_secret_the_module_derives_from_its_settings_is_masked_as_theirs_are(
    with_settings, module_class, monkeypatch
):
    monkeypatch.setattr(module_class, "derived_secrets", lambda self, settings: [settings.signing_key[::-1]])

    module = with_settings([entry("signing_key", "sensitive_string")], signing_key="key-0123456789")

    assert module.mask("signed 9876543210-yek with key-0123456789") == "signed ******** with ********"


def test_a_mistyped_number_stops_the_call_naming_the_setting(with_settings, handled, folder):
    module = with_settings([entry("max_age", "int", default=30)], max_age="abc")

    status = fake_iris.call_once(module, folder)

    assert handled == []
    assert not status.is_success()
    assert "max_age holds 'abc', which does not read as int: not a whole number" in status.get_message()
    assert "Nothing was done" in status.get_message()


def test_every_setting_that_does_not_read_is_named_at_once(with_settings, handled, folder):
    entries = [entry("max_age", "int", default=30), entry("rules", "textfield_json", default="{}")]
    module = with_settings(entries, max_age="3O", rules="{not json")

    message = fake_iris.call_once(module, folder).get_message()

    assert "max_age holds '3O', which does not read as int" in message
    assert "rules holds '{not json', which does not read as textfield_json: text that is not JSON" in message


def test_the_other_settings_keep_what_the_admin_stored(with_settings):
    module = with_settings([entry("max_age", "int", default=30), entry("site", "string", default="default-site")],
                           max_age="abc", site="internal-site")  # fmt: skip

    settings = module.settings()

    assert settings.site == "internal-site"  # never the default because another setting is mistyped
    with pytest.raises(Exception, match="max_age"):
        settings.max_age  # noqa: B018


def test_a_setting_named_like_what_the_reading_keeps_reads_its_value(with_settings):
    names = ("notes", "problems", "secrets", "check", "empty", "unreadable")
    module = with_settings([entry(name, "string", default="") for name in names], **{name: name * 2 for name in names})

    settings = module.settings()

    assert [getattr(settings, name) for name in names] == [name * 2 for name in names]


@pytest.mark.parametrize(("typed", "read"), [(" 12 ", 12), ("-3", -3), (7, 7), ("", None)])
def test_numbers_read_as_typed_and_an_empty_one_reads_none(with_settings, typed, read):
    assert with_settings([entry("max_age", "int", default=30)], max_age=typed).settings().max_age == read


def test_an_empty_mandatory_setting_stops_the_call(with_settings, handled, folder):
    module = with_settings([entry("site", "string", default="x", mandatory=True)], site="")

    status = fake_iris.call_once(module, folder)

    assert handled == []
    assert "site is mandatory and empty" in status.get_message()


def test_a_bool_that_is_neither_true_nor_false_stops_the_call(with_settings, handled, folder):
    module = with_settings([entry("strict", "bool", default=True)], strict="maybe")

    status = fake_iris.call_once(module, folder)

    assert handled == []
    assert "strict holds 'maybe', which does not read as bool: neither true nor false" in status.get_message()


def test_a_security_switch_that_is_neither_true_nor_false_reads_on_and_says_so(with_settings, handled, folder):
    module = with_settings([entry("verify_tls", "bool", default=True)], verify_tls="maybe")
    type(module).security_switches = ("verify_tls",)

    status = fake_iris.call_once(module, folder)

    assert [context.settings.verify_tls for context in handled] == [True]
    assert any("verify_tls holds 'maybe', neither true nor false: read as on" in line for line in status.get_logs())


def test_iris_saves_a_typed_bool_as_true_only_for_true(iris, module_class):
    # modules_db.py:85-91: what the module later reads is already a bool.
    assert [fake_iris.saved_as(word, "bool") for word in ("TRUE", "maybe", "1", None)] == [True, False, False, False]
    assert fake_iris.saved_as("abc", "int") == "abc"  # text settings and ints are stored as typed


def escaped_forms(secret):
    """The forms a secret takes in text: an error's repr, JSON, a URL, an HTTP Basic header."""
    return {
        "repr": repr(secret),
        "bytes repr": repr(secret.encode()),
        "json": json.dumps({"key": secret}),
        "percent-encoded": f"https://service.example/?key={quote(secret, safe='')}",
        "basic auth": "Basic " + base64.b64encode(f"analyst:{secret}".encode()).decode(),
        "basic auth, other name": "Basic " + base64.b64encode(f"soc-team:{secret}".encode()).decode(),
    }


@pytest.mark.parametrize("form", escaped_forms(SECRET))
def test_no_form_of_a_secret_reaches_a_status_or_a_log(with_settings, module_class, monkeypatch, folder, caplog,
                                                       form):  # fmt: skip
    caplog.set_level(logging.INFO)
    text = escaped_forms(SECRET)[form]
    module = with_settings([entry("api_token", "sensitive_string", mandatory=True)], api_token=SECRET)

    def leaky(data, context):
        context.log.info(f"sending {text}")
        logging.getLogger("urllib3.connectionpool").warning(f"Retrying {text}")
        raise ConnectionError(f"refused: {text}")

    fake_iris.stand_in_handler(module_class, monkeypatch, leaky)
    status = fake_iris.call_once(module, folder)
    published = status.get_message() + "\n".join(status.get_logs()) + caplog.text + json.dumps(status.get_data(),
                                                                                              default=str)  # fmt: skip

    assert "refused" in published  # the error is reported...
    for leaked in escaped_forms(SECRET).values():
        assert leaked not in published  # ... in no form that holds the secret
    for part in (SECRET[:10], base64.b64encode(SECRET.encode()).decode()[:12]):
        assert part not in published


MISP_KEY = "misp-key-0123456789abcdef"
HOOK_TOKEN = "hook-token-fedcba9876"
WEBHOOK = f"https://hooks.example/services/in?token={HOOK_TOKEN}&channel=soc"


def test_secrets_inside_a_json_setting_are_masked_wherever_they_show(with_settings, module_class, monkeypatch,
                                                                     folder, caplog):  # fmt: skip
    # Several instances (a URL and a key each) and a webhook whose URL holds a token, in one JSON setting.
    caplog.set_level(logging.INFO)
    instances = json.dumps([{"url": "https://misp.example", "key": MISP_KEY}, {"name": "chat", "webhook": WEBHOOK}])
    monkeypatch.setattr(module_class, "secret_fields", {"instances": ("key", "webhook")})
    module = with_settings([entry("instances", "textfield_json", default="[]")], instances=instances)

    def leaky(data, context):
        first, second = json.loads(context.settings.instances)
        context.log.info(f"instance {first}")  # a dict's repr
        # urllib3 names the request's path and query alone, without the host.
        logging.getLogger("urllib3.connectionpool").warning(
            f"Retrying after connection broken: /services/in?token={HOOK_TOKEN}"
        )
        raise ConnectionError(f"refused: {quote(MISP_KEY)} and {second['webhook']}")

    fake_iris.stand_in_handler(module_class, monkeypatch, leaky)
    status = fake_iris.call_once(module, folder)
    published = status.get_message() + "\n".join(status.get_logs()) + caplog.text

    assert "refused" in published and "https://misp.example" in published  # what is not secret is shown
    for leaked in (MISP_KEY, HOOK_TOKEN, WEBHOOK):
        assert leaked not in published
    assert MISP_KEY not in repr(module.settings()) and json.loads(module.settings().instances)[0]["key"] == MISP_KEY


def test_a_json_setting_holding_secrets_that_does_not_read_is_named_not_shown(with_settings, module_class,
                                                                              monkeypatch, handled, folder):  # fmt: skip
    monkeypatch.setattr(module_class, "secret_fields", {"instances": ("key",)})
    module = with_settings(
        [entry("instances", "textfield_json", default="[]")], instances='[{"key": "' + MISP_KEY + '"'
    )

    status = fake_iris.call_once(module, folder)

    assert handled == []
    assert "instances holds ********, which does not read as textfield_json" in status.get_message()
    assert MISP_KEY not in status.get_message() + "\n".join(status.get_logs())
