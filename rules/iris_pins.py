"""IRIS's own pins, per IRIS release: what a module installed beside IRIS must leave as it is.

Each release has its data in ``templates/iris/<release>/constraints.txt``, derived from that
release's ``source/requirements.txt`` (its header says how). A baked project carries it as
``iris-constraints.txt``: ``make install`` and ``make check`` hand it to pip as constraints,
so pip refuses rather than moving one of IRIS's packages.
"""

import re

from . import iris_target

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def constraints_file(target=None):
    """The pins of an IRIS line (an ``iris_target.Target``), by default of the default line."""
    return (target or iris_target.default()).constraints


def canonical(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(target=None):
    """``{canonical name: requirement}`` for every package the line's release pins."""
    lines = constraints_file(target).read_text(encoding="utf-8").splitlines()
    requirements = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return {canonical(NAME.match(requirement).group()): requirement for requirement in requirements}


def pinned(target, name):
    """The version an IRIS line pins ``name`` to (``celery`` -> ``5.2.7``)."""
    return pins(target)[canonical(name)].split("==", 1)[1]
