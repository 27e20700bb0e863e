"""IRIS's own pins, per IRIS release: what a module installed beside IRIS must leave as it is.

Each release has its data in ``templates/iris/<release>/constraints.txt``, derived from that
release's ``source/requirements.txt`` (its header says how). A baked project carries it as
``iris-constraints.txt``: ``make install`` and ``make check`` hand it to pip as constraints,
so pip refuses rather than moving one of IRIS's packages.
"""

import re

from . import lines

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def constraints_file(line=None):
    """The pins of an IRIS line (an ``lines.Line``), by default of the default line."""
    return (line or lines.default()).constraints


def canonical(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(line=None):
    """``{canonical name: requirement}`` for every package the line's release pins."""
    rows = constraints_file(line).read_text(encoding="utf-8").splitlines()
    requirements = [row.strip() for row in rows if row.strip() and not row.startswith("#")]
    return {canonical(NAME.match(requirement).group()): requirement for requirement in requirements}


def pinned(line, name):
    """The version an IRIS line pins ``name`` to (``celery`` -> ``5.2.7``)."""
    return pins(line)[canonical(name)].split("==", 1)[1]
