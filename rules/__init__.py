"""The template's rules: what each answer must be, and what the answers make of the baked project.

    cookiecutter.json ─▶ answers ─┬─▶ presets          templates/presets/<name>/: what each preset bakes
      (the prompts)               ├─▶ hook_selection   the _hooks answer, on the baked tests/iris_hooks.json
                                  ├─▶ settings_spec    the settings and _pipeline_args answers
                                  └─▶ iris_pins        templates/iris/<release>/: IRIS's own pins
    filters: the Jinja filters and globals the templates and hooks call; retry: a refused bake's answers

Loaded by ``iris_skeleton_extension.load_rules`` under a name of the template folder's own;
inside, the modules import each other relatively. All plain Python but ``filters``, which
imports Jinja and cookiecutter and is loaded on first use: the pre-generation hook needs it
only to refuse.
"""

import importlib

from . import answers, baked, hook_selection, iris_pins, presets, retry, setting, settings_spec, template


def __getattr__(name):
    if name == "filters":
        return importlib.import_module(f"{__name__}.filters")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "answers",
    "baked",
    "hook_selection",
    "iris_pins",
    "presets",
    "retry",
    "setting",
    "settings_spec",
    "template",
]
