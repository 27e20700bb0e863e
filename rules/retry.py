"""A refused bake's answers, kept for the next try, and the one command that uses them.

The file is both a cookiecutter replay file and a cookiecutter config file. As a replay
file (``--replay-file``) it holds the good answers: cookiecutter asks only for the keys it
lacks, the bad answers and those made from them. As a config file (``--config-file``) its
``default_context`` gives each of those prompts its default. Cookiecutter renders a default
from the answers typed in the same run only, not from the replayed ones, so each default
starts by putting the kept answers back: ``{% set cookiecutter = with_answers(cookiecutter, {...}) %}``.

Plain Python: the filters (during the prompts) and the pre-generation hook use it.
"""

import json
import shlex
from pathlib import Path

from . import template

FILE_NAME = "iris-module-answers.json"
# The answers each default is made from: asking one again asks these again when they took the
# default made from it. The derived names follow their answer; ``__answers`` is always
# rendered again, so that the answers typed in the retry are checked.
MADE_FROM = {
    "module_name": ("keyword",),
    "__builtin_settings": ("settings",),
    "__package_name": ("module_name",),
    "__class_name": ("keyword",),
    "__module_description": ("_module_description", "keyword", "module_type"),
}
ALWAYS_ASKED = ("__answers",)
# Not answers: what cookiecutter records of the run, and the template's own settings, which
# must come from cookiecutter.json for the prompts to load this template's filters.
NOT_ANSWERS = template.COOKIECUTTER_KEYS


def field(problem):
    """The answer a problem line names: ``"email: ..."`` -> ``"email"``."""
    return problem.split(":", 1)[0]


def plan(answers, problems, render, suggestions):
    """``(kept, asked, reset)``: the answers kept, the prompts asked again, the private answers set back to their default.

    ``render(raw, answers)`` renders a default of cookiecutter.json with ``answers``, None when
    it cannot be made from them;
    ``suggestions`` maps a bad field to a better default than the template's.
    """
    context = template.CONTEXT
    bad = {field(problem) for problem in problems if field(problem) in context}
    redo = set(bad) | set(ALWAYS_ASKED)
    changed = True
    while changed:  # a default made from an answer asked again is asked again, when it was taken
        changed = False
        for key, sources in MADE_FROM.items():
            if key in redo or not redo.intersection(sources):
                continue
            taken = key.startswith("__") or answers.get(key) == render(context[key], answers)
            if taken:
                redo.add(key)
                changed = True
    kept = {
        key: value for key, value in answers.items() if key not in redo and key not in NOT_ANSWERS and key in context
    }
    asked = [key for key in context if key in redo and not key.startswith("_")]
    reset = sorted(key for key in bad if key.startswith("_") and not key.startswith("__"))
    restore = "{% set cookiecutter = with_answers(cookiecutter, " + json.dumps(kept, ensure_ascii=False) + ") %}"
    defaults = {}
    for key in context:
        if key not in redo or (key.startswith("_") and not key.startswith("__")):
            continue  # a private answer is never asked: it takes cookiecutter.json's default
        raw = suggestions.get(key, context[key])
        defaults[key] = restore + raw if isinstance(raw, str) and "{" in raw else raw
    return kept, asked, reset, defaults


def write(folder, answers, problems, render, suggestions):
    """Write the retry file into ``folder``; return its path and the prompts and private answers to look at."""
    kept, asked, reset, defaults = plan(answers, problems, render, suggestions)
    path = Path(folder).resolve() / FILE_NAME
    record = {"cookiecutter": kept, "default_context": defaults}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, asked, reset


def command(path, template_dir, options=()):
    """The command that bakes again from the file: it asks only for what the file lacks."""
    words = ["cookiecutter", "--replay-file", str(path), "--config-file", str(path), *options, str(template_dir)]
    return " ".join(shlex.quote(word) for word in words)


def message(problems, path, asked, reset, retry_command):
    """The refusal: one line per problem, then where the answers are and the command to run."""
    lines = ["The module was not created:", *(f"  {problem}" for problem in problems), ""]
    again = f"To answer again only {', '.join(asked)}, run:" if asked else "To bake with them, run:"
    lines.append(f"Your other answers are kept in {path}. {again}")
    lines.append(f"  {retry_command}")
    for key in reset:
        lines.append(
            f'{key} goes back to its default there; to give another value, add "{key}" to the file\'s "cookiecutter" first.'
        )
    return "\n".join(lines)
