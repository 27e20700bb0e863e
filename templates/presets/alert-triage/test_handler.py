"""Triage end to end: alerts as IRIS sends them, through the module class, to a verdict on each."""

import fake_iris

TAG = "{{ cookiecutter.keyword }}"


def triage(module, *alerts):
    status = module.hooks_handler("on_postload_alert_create", None, list(alerts))
    assert status.is_success(), status.get_message()
    return status


def test_an_alert_with_a_watched_word_is_raised_and_tagged(make_module):
    alert = fake_iris.alert("Mimikatz run on DC01", alert_severity_id=2)

    triage(make_module(watched_words="mimikatz, ransomware"), alert)

    # TODO: assert what your classify() decides for alerts like yours.
    assert alert.alert_severity_id == 5
    assert alert.alert_tags == f"{TAG}:watched"
    assert alert.alert_note == "Triage: mentions 'mimikatz'"


def test_a_routine_alert_keeps_its_severity(make_module):
    alert = fake_iris.alert("Password changed", alert_severity_id=3)

    triage(make_module(watched_words="mimikatz"), alert)

    assert alert.alert_severity_id == 3 and alert.alert_tags == f"{TAG}:routine"


def test_triaging_twice_adds_nothing_twice(make_module):
    alert = fake_iris.alert("ransomware note found", alert_tags="edr", alert_note="From EDR")
    module = make_module(watched_words="ransomware")

    triage(module, alert)
    module.hooks_handler("on_manual_trigger_alert", None, [alert])

    assert alert.alert_tags == f"edr,{TAG}:watched"
    assert alert.alert_note == "From EDR\nTriage: mentions 'ransomware'"
    assert list(alert.custom_attributes) == ["Triage"]


def test_alert_text_is_escaped_in_the_triage_tab(make_module):
    alert = fake_iris.alert("<img src=x onerror=alert(1)>")

    triage(make_module(), alert)

    html = alert.custom_attributes["Triage"]["Report"]["value"]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
