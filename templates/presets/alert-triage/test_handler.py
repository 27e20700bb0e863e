"""Triage end to end: alerts as {{ iris().name }} sends them, through the module class, to a verdict on each."""

import fake_iris
import pytest

from {{ cookiecutter.__package_name }} import handler

TAG = "{{ cookiecutter.keyword }}"


@pytest.fixture
def make(make_module, module_class):
    """The module with every hook switched on, whatever config.py's defaults are."""
    return lambda **settings: make_module(**fake_iris.switches(module_class), **settings)


def triage(module, *alerts):
    status = module.hooks_handler("on_postload_alert_create", None, list(alerts))
    assert status.is_success(), status.get_message()
    return status


def test_an_alert_with_a_watched_word_is_raised_and_tagged(make):
    alert = fake_iris.alert("Mimikatz run on DC01", alert_severity_id=fake_iris.SEVERITIES["Low"])

    triage(make(watched_words="mimikatz, ransomware"), alert)

    # TODO: assert what your classify() decides for alerts like yours.
    assert alert.alert_severity_id == fake_iris.SEVERITIES["High"]
    assert alert.alert_tags == f"{TAG}:watched"
    assert alert.alert_note == "Triage: mentions 'mimikatz'"


def test_severities_are_found_by_name_whatever_their_ids(make, monkeypatch):
    monkeypatch.setattr(fake_iris, "SEVERITIES", {"Critical": 11, "High": 12, "Low": 13, "Medium": 14})
    alert = fake_iris.alert("ransomware note found", alert_severity_id=13)

    triage(make(watched_words="ransomware"), alert)

    assert alert.alert_severity_id == 12


def test_a_routine_alert_keeps_its_severity(make):
    alert = fake_iris.alert("Password changed", alert_severity_id=fake_iris.SEVERITIES["Informational"])

    triage(make(watched_words="mimikatz"), alert)

    assert alert.alert_severity_id == fake_iris.SEVERITIES["Informational"]
    assert alert.alert_tags == f"{TAG}:routine"
    assert alert.alert_note == "Triage: no rule matched"


def test_triaging_twice_adds_nothing_twice(make):
    alert = fake_iris.alert("ransomware note found", alert_tags="edr", alert_note="From EDR")
    module = make(watched_words="ransomware")

    triage(module, alert)
    module.hooks_handler("on_manual_trigger_alert", None, [alert])

    assert alert.alert_tags == f"edr,{TAG}:watched"
    assert alert.alert_note == "From EDR\nTriage: mentions 'ransomware'"


def test_an_alert_that_cannot_be_triaged_is_reported_and_left_unchanged(make, monkeypatch):
    unknown = handler.Verdict("Urgent", [f"{TAG}:watched"], ["mentions 'x'"])
    routine = handler.Verdict(reasons=["no rule matched"])
    monkeypatch.setattr(handler, "classify", lambda alert, settings: unknown if alert.alert_id == 1 else routine)
    failing = fake_iris.alert("first", alert_id=1, alert_severity_id=fake_iris.SEVERITIES["Low"])
    other = fake_iris.alert("second", alert_id=2)

    status = make().hooks_handler("on_postload_alert_create", None, [failing, other])

    assert status.is_failure()
    assert "1 of 2" in status.get_message() and "alert 1" in status.get_message()
    assert "no alert severity named 'Urgent'" in status.get_message()
    # IRIS saves whatever a failed call changed: the failing alert must be left as it was.
    assert (failing.alert_severity_id, failing.alert_tags, failing.alert_note) == (fake_iris.SEVERITIES["Low"], "", "")
    assert other.alert_note == "Triage: no rule matched"


def test_a_new_verdict_replaces_the_last_one_tags_and_note_line(make):
    alert = fake_iris.alert("ransomware note found", alert_tags="edr", alert_note="From EDR")
    triage(make(watched_words="ransomware"), alert)
    assert alert.alert_tags == f"edr,{TAG}:watched"

    make(watched_words="mimikatz").hooks_handler("on_manual_trigger_alert", None, [alert])  # the rules changed

    # TODO: assert that your verdicts replace each other as these do.
    assert alert.alert_tags == f"edr,{TAG}:routine"
    assert alert.alert_note == "From EDR\nTriage: no rule matched"


@pytest.mark.parametrize("hook", ["on_postload_alert_create", "on_manual_trigger_alert"])
def test_alerts_carry_no_custom_attributes_and_get_no_tab(make, hook):
    alert = fake_iris.alert("Mimikatz run on DC01")

    status = make(watched_words="mimikatz").hooks_handler(hook, None, [alert])

    assert status.is_success(), status.get_message()
    assert not hasattr(alert, "custom_attributes")


def test_every_watched_word_found_is_a_reason_in_the_note(make):
    alert = fake_iris.alert("Mimikatz run", alert_description="then ransomware dropped")

    triage(make(watched_words="mimikatz, ransomware, cobalt strike"), alert)

    assert alert.alert_note == "Triage: mentions 'mimikatz'; mentions 'ransomware'"


def test_a_missing_description_adds_no_text_to_match(make):
    alert = fake_iris.alert("Password changed", alert_description=None)

    triage(make(watched_words="none, xx"), alert)

    assert alert.alert_tags == f"{TAG}:routine"


def test_a_severity_is_found_by_its_exact_name_not_a_longer_one(make, monkeypatch):
    monkeypatch.setattr(fake_iris, "SEVERITIES", {"Very High": 21, "High": 12, "Low": 13, "Medium": 14})
    alert = fake_iris.alert("ransomware note found", alert_severity_id=13)

    triage(make(watched_words="ransomware"), alert)

    assert alert.alert_severity_id == 12


def test_each_verdict_is_logged(make, caplog):
    caplog.set_level("INFO")
    watched, routine = fake_iris.alert("ransomware", alert_id=1), fake_iris.alert("Password changed", alert_id=2)

    triage(make(watched_words="ransomware"), watched, routine)

    assert f"Alert 1: High, ['{TAG}:watched']" in caplog.messages
    assert f"Alert 2: severity unchanged, ['{TAG}:routine']" in caplog.messages
