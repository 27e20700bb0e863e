"""The template's rules: what each answer must be, and what the answers make of the baked project.

    cookiecutter.json ─▶ answers ─┬─▶ presets          templates/presets/: what each preset bakes, as data
      (template)                  ├─▶ hook_selection   the _hooks answer, from an IRIS line's hook catalogue
                                  ├─▶ settings_spec    the settings and _pipeline_args answers
                                  ├─▶ pins             IRIS's own pins, per line
                                  └─▶ baked            the baked project's own lists (settings_spec's too), and
                                          │            its fake IRIS of a line: what IRIS takes of a setting
                                          ▼
                       setting, lines, template    plain data, which imports no rule: one IRIS
                                                   configuration entry, one IRIS line, where the files are
    retry: a refused bake's answers; filters: the Jinja side, above the rest;
    in_iris: the baked README's "What it does in IRIS", from the answers and the preset's data.

Loaded by ``iris_skeleton_extension.load_rules`` under a name of the template folder's own;
inside, the modules import each other relatively, each only the modules under it. All plain
Python but ``filters``, which imports Jinja and cookiecutter and is loaded on first use (the
pre-generation hook needs it only to refuse), and ``baked``, which renders the baked fake IRIS
with Jinja (cookiecutter's own dependency, there wherever a bake runs) when a check first needs it.
"""

import importlib

from . import (
    answers,
    baked,
    hook_selection,
    in_iris,
    lines,
    pins,
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
    "lines",
    "pins",
    "presets",
    "retry",
    "setting",
    "settings_spec",
    "template",
]
