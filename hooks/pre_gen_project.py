"""Refuse answers that would bake a broken module, before any file is written.

The answers are checked while cookiecutter prompts (rules/filters.py); this hook checks
what skips that check, a replayed or hand-made context. Cookiecutter deletes the half-made
project folder when this script exits non-zero; the answers are kept beside it for a retry.
"""

import sys

ANSWERS = {{ cookiecutter | tojson | python_literal }}  # as JSON
TEMPLATE_DIR = {{ template_dir | python_literal }}
# Found as cookiecutter renders this script, by the rules it has loaded for this template
# already: answers that pass need no rules, nor Jinja, nor any import but sys, in this process.
PROBLEMS = {{ answer_problems(cookiecutter) | python_literal }}


def main():
    if not PROBLEMS:
        return 0
    import json
    from pathlib import Path

    sys.path.insert(0, TEMPLATE_DIR)  # a process of its own: this template's loader, and no other
    from iris_skeleton_extension import load_rules

    # Only to refuse: the filters render the defaults of the prompts the retry asks again.
    from jinja2 import Environment, StrictUndefined

    filters = load_rules().filters
    environment = Environment(extensions=[filters.AnswerFilters], undefined=StrictUndefined)
    output_dir = str(Path.cwd().parent)  # this hook runs in the project folder, which is removed
    refusal = filters.refusal(environment, json.loads(ANSWERS), PROBLEMS, output_dir, ["-o", output_dir])
    print("\n" + refusal, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
