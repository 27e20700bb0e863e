"""Where the template's files are, and its cookiecutter.json."""

import json
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CONTEXT_PATH = TEMPLATE_DIR / "cookiecutter.json"
CONTEXT = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
# The project that is baked, and its package, as they are in the template.
PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.module_name}}"
PACKAGE_DIR = PROJECT_DIR / "{{cookiecutter.__package_name}}"
PRESETS_DIR = TEMPLATE_DIR / "templates" / "presets"
IRIS_DIR = TEMPLATE_DIR / "templates" / "iris"
