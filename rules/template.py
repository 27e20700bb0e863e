"""Where the template's files are, and its cookiecutter.json."""

import json
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CONTEXT_PATH = TEMPLATE_DIR / "cookiecutter.json"
CONTEXT = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
# The project that is baked, as it is in the template.
PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.module_name}}"
# Not answers: what cookiecutter records of a run, and the template's own settings.
COOKIECUTTER_KEYS = (
    "_template",
    "_output_dir",
    "_repo_dir",
    "_checkout",
    "_extensions",
    "_copy_without_render",
    "_jinja2_env_vars",
    "_new_lines",
)
PRESETS_DIR = TEMPLATE_DIR / "templates" / "presets"
IRIS_DIR = TEMPLATE_DIR / "templates" / "iris"
LICENSES_DIR = TEMPLATE_DIR / "templates" / "licenses"
