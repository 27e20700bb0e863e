"""Refuse answers that would bake a broken module, before any file is written.

The answers are checked while cookiecutter prompts (rules/filters.py); this hook checks
what skips that check, a replayed or hand-made context. Cookiecutter deletes the half-made
project folder when this script exits non-zero; the answers are kept beside it for a retry.
"""

import json
import sys
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | tojson | python_literal }})
TEMPLATE_DIR = Path({{ template_dir | python_literal }})
# Found as cookiecutter renders this script, by the rules it has loaded for this template
# already: answers that pass need no rules, nor Jinja, in this process.
PROBLEMS = json.loads({{ answer_problems(cookiecutter) | tojson | python_literal }})


def main():
    if not PROBLEMS:
        return 0
    sys.path.insert(0, str(TEMPLATE_DIR))  # a process of its own: this template's loader, and no other
    from iris_skeleton_extension import load_rules

    # Only to refuse: the filters render the defaults of the prompts the retry asks again.
    from jinja2 import Environment, StrictUndefined

    filters = load_rules().filters
    environment = Environment(extensions=[filters.AnswerFilters], undefined=StrictUndefined)
    output_dir = str(Path.cwd().parent)  # this hook runs in the project folder, which is removed
    print("\n" + filters.refusal(environment, ANSWERS, PROBLEMS, output_dir, ["-o", output_dir]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
