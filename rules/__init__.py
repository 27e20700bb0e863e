"""The template's rules: what each answer must be, and what the answers make of the baked project.

    cookiecutter.json ─▶ answers ─┬─▶ presets          templates/presets/: what each preset bakes, as data
      (template)                  ├─▶ hook_selection   the _hooks answer
                                  ├─▶ settings_spec    the settings and _pipeline_args answers
                                  └─▶ setting          one IRIS configuration entry, whoever declares it
    baked: the baked project's own lists (IRIS's setting types, true words);
    iris_pins: IRIS's own pins; retry: a refused bake's answers; filters: the Jinja side;
    in_iris: the baked README's "What it does in IRIS", from the answers and the preset's data.

Loaded by ``iris_skeleton_extension.load_rules`` under a name of the template folder's own;
inside, the modules import each other relatively. All plain Python but ``filters``, which
imports Jinja and cookiecutter and is loaded on first use (the pre-generation hook needs it
only to refuse), and ``baked``, which renders the baked fake IRIS with Jinja (cookiecutter's
own dependency, there wherever a bake runs).
"""

import importlib

from . import (
    answers,
    baked,
    hook_selection,
    in_iris,
    iris_pins,
    iris_target,
    presets,
    retry,
    setting,
    settings_spec,
    template,
)


def __getattr__(name):
    if name == "filters":
        return importlib.import_module(f"{__name__}.filters")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "answers",
    "baked",
    "hook_selection",
    "in_iris",
    "iris_pins",
    "iris_target",
    "presets",
    "retry",
    "setting",
    "settings_spec",
    "template",
]
