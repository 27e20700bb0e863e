"""The template's one loader of its rules (``rules/``), and the Jinja extension cookiecutter loads (``_extensions``).

The rules are a package, loaded under a name of this template folder's own, once for each
version of the files they are made of. So each bake gets the rules of the folder and the
commit it bakes from: ``cruft update`` bakes two commits of the template in one process (the
project's, then the latest) from one folder reset between them, and one process may bake
from two copies of the template. The hooks and the template's tests get the rules here too:

    load_rules = runpy.run_path(str(TEMPLATE_DIR / "iris_skeleton_extension.py"))["load_rules"]

(or import it by name in a process of its own, as the pre-generation hook does).
"""

import importlib.util
import stat
import sys
import zlib
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent
# What the rules are made of: their code, cookiecutter.json, the presets' and IRIS lines' data, and the baked
# project, whose files they read (its hook catalogue, its lists).
SOURCES = (
    "cookiecutter.json",
    "rules/*.py",
    "templates/presets/**/*.json",
    "templates/iris/**/*.json",
    "{{cookiecutter.module_name}}/**/*",
)


def load_rules(template_dir=TEMPLATE_DIR):
    """The ``rules`` package of the template in ``template_dir``, loaded again when one of its files changed."""
    template_dir = Path(template_dir).resolve()
    name = f"iris_skeleton_rules_{zlib.crc32(str(template_dir).encode()):08x}"
    signature = _signature(template_dir)
    loaded = sys.modules.get(name)
    if loaded is not None and loaded.source_signature == signature:
        return loaded
    for stale in [key for key in sys.modules if key == name or key.startswith(f"{name}.")]:
        del sys.modules[stale]
    folder = template_dir / "rules"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    package = importlib.util.module_from_spec(spec)
    package.source_signature = signature
    sys.modules[name] = package  # before it runs: its modules import each other through it
    try:
        spec.loader.exec_module(package)
    except BaseException:
        del sys.modules[name]
        raise
    return package


def _signature(template_dir):
    """Each source file's path, time and size: what a checkout of another commit changes."""
    found = []
    for path in (path for pattern in SOURCES for path in template_dir.glob(pattern)):
        status = path.stat()
        if stat.S_ISREG(status.st_mode) and "__pycache__" not in path.parts:
            found.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(sorted(found))


def __getattr__(name):
    """``AnswerFilters``, the extension ``_extensions`` names: registers this template's filters and globals.

    Cookiecutter imports this file by name, from the template folder it adds to ``sys.path``,
    and Python would keep that first import for the whole process: a bake from another folder
    would get this folder's rules. So the module leaves ``sys.modules`` as it hands the class
    over, and the next bake imports the file of its own template.
    """
    if name != "AnswerFilters":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    sys.modules.pop(__name__, None)
    globals()[name] = load_rules(_baked_template()).filters.AnswerFilters  # for the rest of this import
    return globals()[name]


def _baked_template():
    """The template folder cookiecutter is baking: the one it appended to ``sys.path`` for its extensions.

    Appended, so a copy of this file found earlier on the path is the one imported: the working
    folder under ``python -m cookiecutter`` run in another checkout, or PYTHONPATH. Its rules
    would bake this template's project.
    """
    appended = Path(sys.path[-1]).resolve() if sys.path else TEMPLATE_DIR
    return appended if (appended / Path(__file__).name).is_file() else TEMPLATE_DIR
