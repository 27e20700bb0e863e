"""A report of remote data as HTML, escaped, for an IRIS tab (iris_objects.set_report_tab writes it).

Remote data is untrusted: the report is rendered by Jinja with autoescaping on, in a
sandbox (the template is a setting admins edit), so a ``<script>`` in an answer shows as
text, and only http(s) addresses become links (escaping does not stop ``javascript:``).
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TEMPLATE = Path(__file__).with_name("report.html")
LINK_SCHEMES = ("http", "https")


def render_report(template, links=None, raw=None, **values):
    """The report's HTML: ``template`` (``report.html`` when empty) rendered with ``values`` escaped.

    ``links`` (name -> address) reach the template as ``(name, address)`` pairs, the address
    None unless it is http(s). ``raw`` (the service's answer) reaches it as indented JSON text.
    """
    from jinja2.sandbox import SandboxedEnvironment  # IRIS ships Jinja2; imported when a report is made

    environment = SandboxedEnvironment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    source = template or DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    links = [(name, address if is_web_address(address) else None) for name, address in (links or {}).items()]
    if raw is not None and not isinstance(raw, str):
        raw = json.dumps(raw, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return environment.from_string(source).render(links=links, raw=raw, **values)


def is_web_address(address):
    """True for an absolute http(s) address: the only kind a report links to."""
    if not isinstance(address, str):
        return False
    parts = urlsplit(address)
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)
