"""Tabs are replaced, tags are added once or replaced, note lines replaced; in IRIS, over the latest state."""

import fake_iris
import pytest

from {{ cookiecutter.__package_name }} import iris_objects


def test_the_report_tab_is_replaced_not_added_again(iris):
    ioc = fake_iris.ioc()

    iris_objects.set_report_tab(ioc, "Report", "<p>first</p>")
    iris_objects.set_report_tab(ioc, "Report", "<p>second</p>")

    assert ioc.custom_attributes["Report"] == {"Report": {"mandatory": False, "type": "html", "value": "<p>second</p>"}}


def test_tags_are_added_once_whatever_their_case():
    ioc = fake_iris.ioc(tags="phishing, VT:malicious")

    iris_objects.add_tags(ioc, "ioc_tags", ["vt:malicious", "new", "new", " "])
    iris_objects.add_tags(ioc, "ioc_tags", ["new"])

    assert ioc.ioc_tags == "phishing,VT:malicious,new"


def test_a_new_verdict_replaces_the_family_and_keeps_other_tags():
    ioc = fake_iris.ioc(tags="phishing, VT:Malicious,vt:suspicious, vtx:kept, campaign-7")

    iris_objects.replace_tags(ioc, "ioc_tags", "vt", ["vt:harmless"])
    iris_objects.replace_tags(ioc, "ioc_tags", "vt", ["vt:harmless"])

    assert ioc.ioc_tags == "phishing,vtx:kept,campaign-7,vt:harmless"


def test_a_note_line_replaces_the_last_of_its_kind_and_keeps_the_other_lines():
    alert = fake_iris.alert(alert_note="From the EDR\nTriage: watched\nAnalyst: Triage: see ticket")

    iris_objects.replace_line(alert, "alert_note", "Triage:", "Triage: routine")
    iris_objects.replace_line(alert, "alert_note", "Triage:", "Triage: routine")

    assert alert.alert_note == "From the EDR\nAnalyst: Triage: see ticket\nTriage: routine"
    empty = fake_iris.alert(alert_note=None)  # a note never written is None in IRIS's database
    iris_objects.replace_line(empty, "alert_note", "Triage:", "Triage: routine")
    assert empty.alert_note == "Triage: routine"


# Inside IRIS the module gets the objects as the worker's database session holds them
# (fake_iris.attach); meanwhile other tasks and analysts save changes to the same rows.


def test_a_tag_saved_meanwhile_by_someone_else_is_kept_and_the_new_ones_saved_at_once(iris):
    row = fake_iris.ioc(tags="phishing")
    ioc = iris.attach(row)
    row.ioc_tags = "phishing,other:seen"  # another task saved it while this one ran

    iris_objects.replace_tags(ioc, "ioc_tags", "vt", ["vt:harmless"])
    iris_objects.add_tags(ioc, "ioc_tags", ["vt:looked-up"])

    assert row.ioc_tags == "phishing,other:seen,vt:harmless,vt:looked-up"  # before IRIS's commit after the call


def test_a_tab_saved_meanwhile_by_another_module_is_kept(iris):
    row = fake_iris.ioc()
    ioc = iris.attach(row)
    row.custom_attributes = {"Other": {"Seen": {"mandatory": False, "type": "html", "value": "theirs"}}}

    iris_objects.set_report_tab(ioc, "Report", "<p>ours</p>")

    assert set(row.custom_attributes) == {"Other", "Report"}


def test_a_line_is_added_to_the_text_as_saved_now(iris):
    row = fake_iris.alert(alert_note="From the EDR")
    alert = iris.attach(row)
    row.alert_note = "From the EDR\nAn analyst's line"

    iris_objects.replace_line(alert, "alert_note", "Triage:", "Triage: routine")

    assert row.alert_note == "From the EDR\nAn analyst's line\nTriage: routine"


@pytest.mark.parametrize("empty", [None, ""])
def test_a_line_put_in_an_empty_field_is_the_whole_field(empty):
    alert = fake_iris.alert(alert_note=empty)

    iris_objects.replace_line(alert, "alert_note", "Triage:", "Triage: routine")

    assert alert.alert_note == "Triage: routine"


def test_outside_iris_the_object_is_changed_as_it_is(monkeypatch):
    monkeypatch.setattr(iris_objects, "iris_db", lambda: None)
    ioc = fake_iris.ioc(tags="phishing")

    iris_objects.add_tags(ioc, "ioc_tags", ["vt:harmless"])

    assert ioc.ioc_tags == "phishing,vt:harmless"


def test_tags_added_to_an_empty_tag_field_are_the_whole_field():
    ioc = fake_iris.ioc(tags=None)

    iris_objects.add_tags(ioc, "ioc_tags", ["vt:harmless"])

    assert ioc.ioc_tags == "vt:harmless"
