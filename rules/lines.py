"""The IRIS line a module is baked for (the ``iris_version`` answer), and what changes from one line to another.

Each line has a folder of data, ``templates/iris/<release>/``, derived from that release's source:
- ``line.json``: the answer that picks it, the Python IRIS runs modules on, and the rules
  the baked docs and the fake IRIS follow;
- ``iris_hooks.json``: every hook and what its data holds (create_safe_hooks() and each
  call_modules_hook() call site);
- ``iris_rows.json``: the rows a fresh database holds, which modules look up by name;
- ``constraints.txt``: IRIS's own pins (see pins.py).
The baked project carries the last three as ``tests/iris_hooks.json``, ``tests/iris_rows.json``
and ``iris-constraints.txt``. The baked code is the same for every line wherever IRIS allows it:
what differs is this data, and the fake IRIS built from it.
"""

import functools
import json
from pathlib import Path

from . import template

ANSWER = "iris_version"


class Line:
    """One IRIS line, as data: ``line.json``'s fields as attributes, its rows, and where its pins are.

    What is made of the rest of its folder is made by the rules that read it, given the Line:
    its hooks by ``hook_selection.catalogue``, its pins by ``pins``, its fake IRIS by ``baked``.
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.release = self.folder.name
        self.__dict__.update(_read(self.folder / "line.json"))
        self.rows = _read(self.folder / "iris_rows.json")
        self.constraints = self.folder / "constraints.txt"

    def __repr__(self):
        return f"Line({self.iris_version!r}, release={self.release!r})"


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def offered():
    """``{answer: Line}`` in the order cookiecutter.json offers them; the first is the default."""
    found = {}
    for folder in sorted(path.parent for path in template.IRIS_DIR.glob("*/line.json")):
        line = Line(folder)
        found[line.iris_version] = line
    return {answer: found[answer] for answer in template.CONTEXT[ANSWER]}


def default():
    return next(iter(offered().values()))


def of(answers):
    """The line the answers pick; the default one while the answer is not given yet (or is refused)."""
    answer = answers.get(ANSWER)
    return offered()[answer] if isinstance(answer, str) and answer in offered() else default()


def problems(answers):
    if ANSWER not in answers or of(answers).iris_version == answers[ANSWER]:
        return []
    return [f"{ANSWER}: {answers[ANSWER]!r} is not one of {', '.join(offered())}. Pick one of those."]
