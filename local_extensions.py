"""Jinja filters for the template: safe literals for free text, and the derived names.

Cookiecutter puts the template folder on ``sys.path`` and loads this file by the name
given in ``cookiecutter.json``'s ``_extensions``.
"""

import importlib.util
import json
from pathlib import Path

from cookiecutter.exceptions import UndefinedVariableInTemplate
from jinja2.exceptions import UndefinedError
from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


answers = _load("iris_skeleton_answers", TEMPLATE_DIR / "hooks" / "answers.py")
# The baked project's own writer of README's settings table: the table is written by the
# same code at bake time and after a user changes config.py.
readme_settings = _load(
    "iris_skeleton_readme_settings", TEMPLATE_DIR / "{{cookiecutter.module_name}}" / "tests" / "readme_settings.py"
)


def python_literal(value):
    """A Python literal holding exactly ``value``; strings are quoted the way ruff format quotes them."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    value = str(value)
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + "".join(_escape(char, quote) for char in value) + quote


def _escape(char, quote):
    if char in ("\\", quote):
        return "\\" + char
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # \n, \t, \x00, \u200f...


def toml_string(value):
    """A TOML basic string holding exactly ``value``."""
    # JSON's escapes are TOML's; non-ASCII is kept as is (ensure_ascii=False), so no
    # surrogate pairs appear, and DEL, which JSON leaves raw, is escaped for TOML.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def refuse_bad_answers(context):
    """Stop the bake while cookiecutter renders the derived names, before any folder exists.

    Cookiecutter creates the project folder from ``module_name`` before the pre-generation
    hook runs, so a name like ``../x`` must be stopped here. It reports this exception
    type as a message, not a traceback.
    """
    problems = answers.problems(context)
    if problems:
        message = "\n  ".join(["", *problems])
        raise UndefinedVariableInTemplate("The module was not created:", UndefinedError(message), {})
    return "checked"


class AnswerFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["python_literal"] = python_literal
        environment.filters["toml_string"] = toml_string
        environment.filters["refuse_bad_answers"] = refuse_bad_answers
        environment.filters["package_name"] = lambda module_name: answers.package_name(str(module_name))
        environment.filters["class_name"] = lambda keyword: answers.class_name(str(keyword))
        # Cookiecutter's own _repo_dir is relative for a local template; hooks run elsewhere.
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        # What the answers make of the code: the hook plan, every setting, the pipeline arguments.
        environment.globals["hook_plan"] = lambda context: answers.hook_selection.plan(context["hooks"])
        environment.globals["module_settings"] = answers.module_settings
        environment.globals["settings_table"] = readme_settings.table
        environment.globals["preset_hooks"] = lambda name: answers.presets.PRESETS.get(str(name), answers.presets.PRESETS["blank"]).hooks
        environment.globals["preset"] = lambda context: answers.presets.PRESETS[context["preset"]]
        environment.globals["unused_files"] = answers.unused_files
        # IRIS's own pins (templates/iris/<release>/constraints.txt) and the Python it runs modules on.
        environment.globals["iris_release"] = answers.iris_pins.RELEASE
        environment.globals["iris_python"] = answers.iris_pins.PYTHON[answers.iris_pins.RELEASE]
        environment.globals["pipeline_args"] = lambda context: answers.settings_spec.pipeline_args(context["pipeline_args"])
