"""Refuse answers that would bake a broken module, before any file is written.

Cookiecutter deletes the half-made project folder when this script exits non-zero.
"""

import importlib.util
import json
import sys
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | tojson | python_literal }})
RULES = Path({{ template_dir | python_literal }}) / "hooks" / "answers.py"


def load_rules():
    spec = importlib.util.spec_from_file_location("iris_skeleton_answers", RULES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    problems = load_rules().problems(ANSWERS)
    if problems:
        print("\nThe module was not created:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
