"""Refuse answers that would bake a broken module, before any file is written.

The answers are checked while cookiecutter prompts (local_extensions.py); this hook checks
what skips that check, a replayed or hand-made context. Cookiecutter deletes the half-made
project folder when this script exits non-zero; the answers are kept beside it for a retry.
"""

import importlib.util
import json
import sys
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | tojson | python_literal }})
TEMPLATE_DIR = Path({{ template_dir | python_literal }})


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    problems = load(TEMPLATE_DIR / "hooks" / "answers.py", "iris_skeleton_answers").problems(ANSWERS)
    if not problems:
        return 0
    # Only to refuse: the filters render the defaults of the prompts the retry asks again.
    from jinja2 import Environment, StrictUndefined

    filters = load(TEMPLATE_DIR / "local_extensions.py", "iris_skeleton_filters")

    environment = Environment(extensions=[filters.AnswerFilters], undefined=StrictUndefined)
    output_dir = str(Path.cwd().parent)  # this hook runs in the project folder, which is removed
    print("\n" + filters.refusal(environment, ANSWERS, problems, output_dir, ["-o", output_dir]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
