"""Reports escape remote data, keep to the sandbox, and link only to web addresses."""

import pytest
from jinja2.exceptions import SecurityError

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
