"""The ``preset`` answer: the modules people build, each a starting point that already works.

Each preset is a folder of ``templates/presets/``, named in cookiecutter.json's ``preset``
list, holding its handler, client and tests and a ``preset.json`` that says what it bakes:

- ``module_type``: ``processor``, ``pipeline``, or ``any``; ``summary``: one line, for AGENTS.md;
- ``hooks``: a processor's default ``_hooks`` answer; ``functions``: the handler functions it
  implements (none: whatever the hooks need);
- ``helpers``: the shared parts it takes, from ``templates/presets/helpers.json``: each a set
  of files of the baked project, the settings and the packages IRIS has (``iris_has``) that
  go with them; ``files``: its own files
  beyond its handler and test; ``fake``: the stand-in for its remote service that AGENTS.md
  names (``of``, ``file``, and the test of the fake, ``checked_by``);
- ``settings``: IRIS configuration entries, before the user's own, in config.py's order: an
  entry as config.py writes it (``default`` null: none; ``mandatory`` false when left out), or
  ``{"include": helper}`` for that helper's settings, with ``defaults`` of the preset's own;
- what the code imports beyond iris-interface, all of it in pyproject.toml's dependencies:
  ``no_deps_installs``, pinned ``==`` and added to IRIS without their declared dependencies,
  ``extra_installs``, added under IRIS's pins (IRIS gets the wheel with --no-deps), then
  ``iris_has``, what IRIS's environment already provides;
- ``why``: the reasons for a choice the data cannot say, read by people only;
- ``in_iris``: what its users see in IRIS and where, what they type or upload, what it never
  does: sentences of the baked README's "What it does in IRIS" (``in_iris.py``).

``module_types.json`` beside them holds the settings every module of a type has (a pipeline's
``move_processed``), before its preset's.

The ``_helpers`` answer adds shared helpers (``ADDABLE``) to any preset: ``of(answers)`` is the
preset with them, their files, settings (after the preset's own) and packages.
"""

import difflib
import functools
import json
from dataclasses import dataclass, replace

from . import template
from .setting import Setting

BLANK = "blank"
HELPERS_ANSWER = "_helpers"
# The helpers free of any one service, which any module may want; the others (a client, IRIS's IOC
# types as VirusTotal names them, a pipeline's case lookups) are their presets' own code.
ADDABLE = ("http", "iris_objects", "report")
KEYS = {
    "module_type",
    "summary",
    "hooks",
    "functions",
    "helpers",
    "files",
    "fake",
    "settings",
    "iris_has",
    "extra_installs",
    "no_deps_installs",
    "samples",
    "why",
    "in_iris",
}
HELPERS_PATH = template.PRESETS_DIR / "helpers.json"
TYPE_SETTINGS_PATH = template.PRESETS_DIR / "module_types.json"
IN_IRIS_PARTS = ("sees", "gives", "never")  # what users see where, what they type or upload, what it never does


@dataclass(frozen=True)
class Fake:
    """The stand-in for a preset's remote service in the baked tests, as AGENTS.md names it."""

    of: str  # what it stands for
    file: str
    checked_by: str | None = None  # the test of the fake itself


@dataclass(frozen=True)
class Preset:
    name: str
    module_type: str
    summary: str
    hooks: str  # empty for a pipeline
    functions: tuple
    helpers: tuple
    files: tuple  # package and test files it keeps beyond the type's own: its helpers', then its own
    fake: Fake | None
    settings: tuple  # of Setting
    dependencies: tuple
    extra_installs: tuple
    no_deps_installs: tuple
    samples: dict  # what `make try` makes in IRIS (tools/try_samples.json): {kind: [fields...], "upload": [paths]}
    in_iris: dict  # lists of sentences: sees, gives, never (in_iris.py)

    @property
    def needed_hooks(self):
        """The hooks its handler is written for, whose switches start on whatever else ``_hooks`` selects; none for
        a preset whose handler is whatever the hooks need (blank): its hooks are only a default answer."""
        return self.hooks if self.functions else ""


def _read(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path.relative_to(template.TEMPLATE_DIR)}: not JSON ({error})") from None


def _settings(items, helpers, where):
    found = []
    for item in items:
        if "include" not in item:
            found.append(Setting(**item))
            continue
        included = helpers.get(item["include"], {}).get("settings")
        if not included:
            raise ValueError(f"{where}: {item['include']!r} is not a helper with settings ({HELPERS_PATH.name})")
        defaults = item.get("defaults", {})
        unknown = set(defaults) - {entry["param_name"] for entry in included}
        if unknown:
            raise ValueError(f"{where}: no setting {', '.join(sorted(unknown))} in {item['include']!r} to change")
        found += (
            replace(Setting(**entry), default=defaults.get(entry["param_name"], entry["default"])) for entry in included
        )
    return tuple(found)


def _in_iris(data, where):
    unknown = set(data) - set(IN_IRIS_PARTS)
    if unknown or not all(isinstance(part, list) and all(isinstance(s, str) for s in part) for part in data.values()):
        raise ValueError(f"{where}: in_iris holds lists of sentences named {', '.join(IN_IRIS_PARTS)}, not {data!r}")
    return {key: tuple(sentences) for key, sentences in data.items()}


def _preset(name, helpers, added=()):
    path = template.PRESETS_DIR / name / "preset.json"
    where = path.relative_to(template.TEMPLATE_DIR)
    data = _read(path)
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(unknown))}; the keys are {', '.join(sorted(KEYS))}")
    added = [helper for helper in added if helper not in data.get("helpers", [])]
    data["helpers"] = [*data.get("helpers", []), *added]
    data["settings"] = [
        *data.get("settings", []),
        *({"include": helper} for helper in added if "settings" in helpers[helper]),
    ]
    taken = data["helpers"]
    missing = [helper for helper in taken if helper not in helpers]
    if missing:
        raise ValueError(f"{where}: no helper {', '.join(missing)} in {HELPERS_PATH.name}")
    try:
        settings = _settings(data.get("settings", []), {helper: helpers[helper] for helper in taken}, where)
        fake = Fake(**data["fake"]) if "fake" in data else None
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None
    installs = (*data.get("no_deps_installs", ()), *data.get("extra_installs", ()))
    return Preset(
        name=name,
        module_type=data["module_type"],
        summary=data["summary"],
        hooks=data.get("hooks", ""),
        functions=tuple(data.get("functions", ())),
        helpers=tuple(taken),
        files=(*(path for helper in taken for path in helpers[helper]["files"]), *data.get("files", ())),
        fake=fake,
        settings=settings,
        dependencies=tuple(
            dict.fromkeys(  # once each, in order: a preset may name what its helpers need too
                [
                    *installs,
                    *data.get("iris_has", ()),
                    *(package for helper in taken for package in helpers[helper].get("iris_has", ())),
                ]
            )
        ),
        extra_installs=tuple(data.get("extra_installs", ())),
        no_deps_installs=tuple(data.get("no_deps_installs", ())),
        samples=data.get("samples", {}),
        in_iris=_in_iris(data.get("in_iris", {}), where),
    )


HELPERS = _read(HELPERS_PATH)
# The settings every module of a type has, before its preset's: {type: {name: Setting}}.
TYPE_SETTINGS = {
    module_type: {entry["param_name"]: Setting(**entry) for entry in data["settings"]}
    for module_type, data in _read(TYPE_SETTINGS_PATH).items()
}
PRESETS = {name: _preset(name, HELPERS) for name in template.CONTEXT["preset"]}


def _helper_words(answers):
    """The names the ``_helpers`` answer gives, separated by commas or spaces."""
    return answers.get(HELPERS_ANSWER, "").replace(",", " ").split()


def added_helpers(answers):
    """The helpers the ``_helpers`` answer names, in the answer's order; unknown names left out."""
    return tuple(dict.fromkeys(word for word in _helper_words(answers) if word in ADDABLE))


@functools.cache
def _with_helpers(name, added):
    return _preset(name, HELPERS, added) if added else PRESETS[name]


def of(answers):
    """The chosen preset, with the helpers the ``_helpers`` answer adds; blank while the preset is unknown."""
    name = answers["preset"] if answers.get("preset") in PRESETS else BLANK
    return _with_helpers(name, added_helpers(answers))


def helper_problems(answers):
    """Each name of the ``_helpers`` answer that is not a helper any preset may take, with a suggestion."""
    found = []
    for word in _helper_words(answers):
        if word in ADDABLE:
            continue
        close = difflib.get_close_matches(word, ADDABLE, n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]!r}?" if close else f"Leave {word!r} out."
        owner = "" if word not in HELPERS else f" ({word} is a preset's own code, not a shared helper)"
        found.append(f"{HELPERS_ANSWER}: {word!r} is not one of {', '.join(ADDABLE)}{owner}. {hint}")
    return found


def problems(answers):
    name = answers["preset"]
    if name not in PRESETS:
        return [f"preset: {name!r} is not one of {', '.join(PRESETS)}. Pick one of those."]
    preset = PRESETS[name]
    if preset.module_type not in ("any", answers["module_type"]):
        return [
            f"preset: {name!r} bakes a {preset.module_type} module, not a {answers['module_type']}."
            f" Answer module_type={preset.module_type}, or pick another preset."
        ]
    return []


def hook_problems(answers, functions):
    """Hooks a preset's handler has no function for."""
    preset = PRESETS[answers["preset"]]
    missing = [name for name in functions if preset.functions and name not in preset.functions]
    if not missing:
        return []
    return [
        f"_hooks: the {answers['preset']} preset's handler has {', '.join(preset.functions)}, not"
        f" {', '.join(missing)}. Keep to its hooks ({preset.hooks}), or use the blank preset."
    ]
