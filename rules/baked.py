"""The baked project's own files that the rules use too, so that each is written once.

The baked project cannot import the template's rules; the rules read its files instead:
README.md's settings table is written at bake time by the project's own
``tests/readme_settings.py``, the code that writes it again after a user changes config.py.
"""

import types

from . import template


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


readme_settings = _plain_module("tests/readme_settings.py")
