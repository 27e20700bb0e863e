"""A report of remote data as HTML, escaped, for an IRIS tab (iris_objects.set_report_tab writes it).

Remote data is untrusted: the report is rendered by Jinja with autoescaping on, in a
sandbox (the template is a setting admins edit), so a ``<script>`` in an answer shows as
text, and only http(s) addresses become links (escaping does not stop ``javascript:``).
"""

import json
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

DEFAULT_TEMPLATE = Path(__file__).with_name("report.html")
LINK_SCHEMES = ("http", "https")


def render_report(template, links=None, raw=None, tables=None, **values):
    """The report's HTML: ``template`` (``report.html`` when empty) rendered with ``values`` escaped.

    ``links`` (name -> address) reach the template as ``(name, address)`` pairs, the address
    None unless it is http(s). ``raw`` (the service's answer) reaches it as indented JSON text.
    ``tables`` (title -> a list of records, such as the events a service matched; or a
    ``table()`` of them, to choose and name the columns) reach it as ``(title, Table)`` pairs.
    """
    from jinja2.sandbox import SandboxedEnvironment  # IRIS ships Jinja2; imported when a report is made

    environment = SandboxedEnvironment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    source = template or DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    links = [(name, address if is_web_address(address) else None) for name, address in (links or {}).items()]
    if raw is not None and not isinstance(raw, str):
        raw = json.dumps(raw, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    tables = [(title, found if isinstance(found, Table) else table(found)) for title, found in (tables or {}).items()]
    return environment.from_string(source).render(links=links, raw=raw, tables=tables, **values)


class Table(NamedTuple):
    columns: list[str]  # the headers
    rows: list[list[str]]  # each record's cells, in the columns' order


def table(records, columns=None):
    """Records (dicts) as a Table: the ``columns`` (key -> header), or every key in the order first seen.

    A cell is the record's value as text: empty when missing or None, JSON for a list or a dict.
    The template escapes it: remote data shows as text.
    """
    if columns is None:
        columns = {key: key for record in records for key in record}
    rows = [[_cell(record.get(key)) for key in columns] for record in records]
    return Table([str(header) for header in columns.values()], rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def is_web_address(address):
    """True for an absolute http(s) address: the only kind a report links to."""
    if not isinstance(address, str):
        return False
    parts = urlsplit(address)
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)
