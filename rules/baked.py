"""The baked project's own files that the rules use too, so that each list is written once.

The baked project cannot import the template's rules; the rules read its files instead:
- ``tests/fake_iris.py``, what IRIS accepts of a setting: its types, and its check of an entry.
  The fake is a template that reads an IRIS line's data: it is rendered for a line the first
  time a check needs it, not when the rules load (a bake that checks no setting never pays for it);
- ``settings.py``, the words read as true and as false in a bool setting: a bool default typed
  in the settings answer is read with the same words as a value an admin stores;
- ``tests/readme_settings.py``, README.md's settings table: written at bake time by the code
  that writes it again after a user changes config.py.
"""

import functools
import types

from jinja2 import Environment, StrictUndefined

from . import lines, template


def _plain_module(relative_path):
    """A plain Python file of the baked project, run as a module of its own.

    Run from its source, never from a cached ``__pycache__``: a cache written into the
    template's project folder would be baked into the next project.
    """
    path = template.PROJECT_DIR / relative_path
    module = types.ModuleType(f"{__name__}.{path.stem}")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), path, "exec"), module.__dict__)
    return module


@functools.cache
def fake_iris(line):
    """The baked tests/fake_iris.py of an IRIS line (an ``lines.Line``), run as a module beside that line's
    data (its iris_hooks.json...)."""
    path = template.PROJECT_DIR / "tests" / "fake_iris.py"
    source = Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(path.read_text("utf-8"))
    module = types.ModuleType(f"{__name__}.fake_iris")
    module.__file__ = str(line.folder / path.name)
    exec(compile(source.render(iris=lambda: line), path, "exec"), module.__dict__)
    return module


def settings_problems(setting, line):
    """What the IRIS line would refuse of one ``setting.Setting``, as its fake IRIS says it."""
    return fake_iris(line).settings_problems([setting.entry()])


@functools.cache
def iris_setting_types():
    """The setting types IRIS knows, sorted: one list for every line (the fake's, not a line's data)."""
    return tuple(sorted(fake_iris(lines.default()).IRIS_SETTING_TYPES))


_settings = _plain_module("{{cookiecutter.__package_name}}/settings.py")
TRUE_WORDS, FALSE_WORDS = _settings.TRUE_WORDS, _settings.FALSE_WORDS
readme_settings = _plain_module("tests/readme_settings.py")
