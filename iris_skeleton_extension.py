"""The Jinja extension cookiecutter loads (``_extensions``): local_extensions.py's filters, read from disk afresh.

``cruft update`` bakes two commits of the template in one process, from one folder reset
between them; Python imports an extension module once, so the second bake would run the
first commit's filters. This file stays the same from commit to commit and loads
local_extensions.py (and the rules it loads) again whenever one of those files changed.
"""

import importlib.util
from pathlib import Path

from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent
_loaded = {}


def _signature():
    files = [TEMPLATE_DIR / "local_extensions.py", *sorted((TEMPLATE_DIR / "hooks").glob("*.py"))]
    return tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in files)


def filters():
    """local_extensions.py as it is on disk now, loaded once per version of the files."""
    signature = _signature()
    if signature not in _loaded:
        spec = importlib.util.spec_from_file_location("iris_skeleton_filters", TEMPLATE_DIR / "local_extensions.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded.clear()
        _loaded[signature] = module
    return _loaded[signature]


class AnswerFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        filters().AnswerFilters(environment)  # registers the filters and globals on the environment
