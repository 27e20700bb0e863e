"""IRIS's own pins, per IRIS release: what a module installed beside IRIS must leave as it is.

Each release has its data in ``templates/iris/<release>/constraints.txt``, derived from that
release's ``source/requirements.txt`` (its header says how). A baked project carries it as
``iris-constraints.txt``: ``make install`` and ``make check`` hand it to pip as constraints,
so pip refuses rather than moving one of IRIS's packages.
"""

import re

from . import template

RELEASE = "2.4.20"  # the IRIS release the template targets
# The Python IRIS's app and worker images run modules on (docker/webApp/Dockerfile: FROM python:3.9).
PYTHON = {"2.4.20": "3.9"}
DATA = template.IRIS_DIR

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def constraints_file(release=RELEASE):
    return DATA / release / "constraints.txt"


def canonical(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(release=RELEASE):
    """``{canonical name: requirement}`` for every package the release pins."""
    lines = constraints_file(release).read_text(encoding="utf-8").splitlines()
    requirements = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return {canonical(NAME.match(requirement).group()): requirement for requirement in requirements}
