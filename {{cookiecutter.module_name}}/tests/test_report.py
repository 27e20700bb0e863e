"""Reports escape remote data, keep to the sandbox, and link only to web addresses."""

from datetime import datetime, timezone

import pytest
from jinja2.exceptions import SecurityError
from markupsafe import escape

from {{ cookiecutter.__package_name }} import report

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_remote_data_is_escaped_in_the_report():
    html = report.render_report("", title=HOSTILE, fields={HOSTILE: HOSTILE})

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_an_admin_template_is_escaped_and_sandboxed():
{%- raw %}
    assert report.render_report("<b>{{ title }}</b>", title=HOSTILE).startswith("<b>&lt;script&gt;")
    with pytest.raises(SecurityError):
        report.render_report("{{ title.__class__.__mro__[1].__subclasses__() }}", title="x")
{%- endraw %}


def test_links_are_escaped_and_only_web_addresses_become_links():
    links = {
        "VirusTotal": "https://www.virustotal.com/gui/domain/evil.example?a=1&b=2",
        "Plain": "http://example.org/x",
        "Script": "javascript:alert(1)",
        "Data": "data:text/html,<script>alert(1)</script>",
        "Relative": "/gui/domain/evil.example",
        HOSTILE: 'https://example.org/"><script>alert(1)</script>',
    }

    html = report.render_report("", title="t", fields={}, links=links)

    assert '<a href="https://www.virustotal.com/gui/domain/evil.example?a=1&amp;b=2"' in html
    assert '<a href="http://example.org/x"' in html
    assert "javascript:" not in html and "data:" not in html and 'href="/gui' not in html
    assert "<li>Script</li>" in html and "<li>Relative</li>" in html  # named, not linked
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html


def test_the_raw_answer_is_shown_folded_and_escaped():
    html = report.render_report("", title="t", fields={}, raw={"b": HOSTILE, "a": [1, 2]})

    folded = html[html.index("<details>") : html.index("</details>")]
    assert "<summary>" in folded and "&#34;a&#34;: [\n    1," in folded
    assert "<script>" not in html and "&lt;script&gt;" in folded


def test_no_links_or_raw_answer_no_empty_blocks():
    html = report.render_report("", title="t", fields={"a": 1})

    assert "<ul>" not in html and "<details>" not in html


def test_a_list_of_records_is_a_table_of_every_key_escaped():
    records = [{"host": HOSTILE, "hits": 3}, {"host": "WKS-002", "paths": ["C:\\a", "b"], "hits": None}]

    html = report.render_report("", title="t", fields={}, tables={"Matches": records})

    table = html[html.index("<h5>Matches</h5>") : html.index("</table>")]
    assert "<th>host</th><th>hits</th><th>paths</th>" in table  # every key, in the order first seen
    assert "<td>WKS-002</td><td></td><td>[&#34;C:\\\\a&#34;, &#34;b&#34;]</td>" in table  # None empty, lists as JSON
    assert "<td></td></tr>" in table.split("<tr>")[2]  # the first record has no paths: an empty cell
    assert "<script>" not in html and "<td>&lt;script&gt;" in table


def test_a_table_can_choose_and_name_its_columns():
    records = [{"host": "WKS-001", "secret": "not shown", "hits": 3}]

    html = report.render_report("", title="t", fields={}, tables={"Hosts": report.table(records, {"hits": "Hits"})})

    assert "<th>Hits</th></tr>" in html and "<td>3</td></tr>" in html and "not shown" not in html


def test_no_tables_no_table():
    assert "<table" not in report.render_report("", title="t", fields={"a": 1}, tables={})


def test_the_default_template_reads_alike_in_any_locale():
    assert report.DEFAULT_TEMPLATE.read_bytes().isascii()


def test_block_tags_leave_no_blank_lines_or_indents_of_their_own():
{%- raw %}
    template = "<p>\n  {% if flagged %}\n  flagged\n  {% endif %}\n</p>"

    assert report.render_report(template, flagged=True) == "<p>\n  flagged\n</p>"
    assert report.render_report(template, flagged=False) == "<p>\n</p>"


def test_the_raw_answer_is_sorted_json_in_its_own_characters():
    raw = {"when": datetime(2026, 3, 1, tzinfo=timezone.utc), "name": "café", "b": 1}

    shown = report.render_report("{{ raw }}", raw=raw)

    expected = '{\n  "b": 1,\n  "name": "café",\n  "when": "2026-03-01 00:00:00+00:00"\n}'
    assert shown == str(escape(expected))


def test_text_as_raw_answer_is_shown_as_it_is():
    assert report.render_report("{{ raw }}", raw="plain <text>") == "plain &lt;text&gt;"


@pytest.mark.parametrize(
    "address", [None, 42, "ftp://files.example/x", "https:no-host", "//evil.example/x", "javascript:alert(1)"]
)
def test_only_absolute_web_addresses_are_web_addresses(address):
    assert report.is_web_address(address) is False


@pytest.mark.parametrize("address", ["https://vt.example/gui", "HTTP://example.org"])
def test_http_and_https_addresses_are_web_addresses(address):
    assert report.is_web_address(address) is True
{%- endraw %}
