"""Reports escape remote data, tabs are replaced, tags are added once."""

import fake_iris
import pytest
from jinja2.exceptions import SecurityError

from {{ cookiecutter.__package_name }} import enrichment

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_remote_data_is_escaped_in_the_report():
    html = enrichment.render_report("", title=HOSTILE, fields={HOSTILE: HOSTILE})

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_an_admin_template_is_escaped_and_sandboxed():
{%- raw %}
    assert enrichment.render_report("<b>{{ title }}</b>", title=HOSTILE).startswith("<b>&lt;script&gt;")
    with pytest.raises(SecurityError):
        enrichment.render_report("{{ title.__class__.__mro__[1].__subclasses__() }}", title="x")
{%- endraw %}


def test_the_report_tab_is_replaced_not_added_again(iris):
    ioc = fake_iris.ioc()

    enrichment.set_report_tab(ioc, "Report", "<p>first</p>")
    enrichment.set_report_tab(ioc, "Report", "<p>second</p>")

    assert ioc.custom_attributes["Report"] == {"Report": {"mandatory": False, "type": "html", "value": "<p>second</p>"}}


def test_tags_are_added_once_whatever_their_case():
    ioc = fake_iris.ioc(tags="phishing, VT:malicious")

    enrichment.add_tags(ioc, "ioc_tags", ["vt:malicious", "new", "new", " "])
    enrichment.add_tags(ioc, "ioc_tags", ["new"])

    assert ioc.ioc_tags == "phishing,VT:malicious,new"


def test_a_note_line_is_added_once():
    alert = fake_iris.alert(alert_note="From the EDR")

    enrichment.add_line(alert, "alert_note", "Triage: routine")
    enrichment.add_line(alert, "alert_note", "Triage: routine")

    assert alert.alert_note == "From the EDR\nTriage: routine"
