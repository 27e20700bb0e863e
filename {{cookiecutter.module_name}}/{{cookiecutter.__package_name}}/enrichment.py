"""What an enrichment leaves on an IRIS object: a report tab of escaped HTML, tags, note lines.

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


def set_report_tab(obj, tab, html, field="Report"):
    """Write ``html`` in the object's tab ``tab`` (custom attributes), replacing an earlier report."""
    set_tab_field(obj, tab, field, "html", html)


def set_tab_field(obj, tab, field, field_type, value):
    """Set one field of one of the object's custom-attribute tabs, as IRIS's own pages would, and save it."""
    # IRIS's own function: it saves the object's custom attributes. Imported here because it
    # exists only inside IRIS.
    from app.datamgmt.manage.manage_attribute_db import add_tab_attribute_field

    add_tab_attribute_field(obj, tab_name=tab, field_name=field, field_type=field_type, field_value=value)


def add_tags(obj, attribute, tags):
    """Add ``tags`` to the object's comma-separated tag field ``attribute``, each once."""
    current = [tag.strip() for tag in (getattr(obj, attribute) or "").split(",") if tag.strip()]
    seen = {tag.lower() for tag in current}
    for tag in (tag.strip() for tag in tags):
        if tag and tag.lower() not in seen:
            current.append(tag)
            seen.add(tag.lower())
    setattr(obj, attribute, ",".join(current))


def replace_tags(obj, attribute, prefix, tags):
    """Remove the object's ``prefix:*`` tags, then add ``tags``: a new verdict replaces the last one.

    Tags outside the family are kept as they are, in their order.
    """
    family = f"{prefix.strip().lower()}:"
    current = [tag.strip() for tag in (getattr(obj, attribute) or "").split(",") if tag.strip()]
    setattr(obj, attribute, ",".join(tag for tag in current if not tag.lower().startswith(family)))
    add_tags(obj, attribute, tags)


def add_line(obj, attribute, line):
    """Append ``line`` to the object's text field ``attribute`` (a note, a description) unless it is there."""
    text = getattr(obj, attribute) or ""
    if line not in text.splitlines():
        setattr(obj, attribute, f"{text}\n{line}" if text else line)
