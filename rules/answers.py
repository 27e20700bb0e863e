"""The rules every prompt answer must follow, and the names derived from the answers.

Plain Python: it gathers the rules of the modules beside it
(hooks, settings, presets), so a rule is written once. Each problem is reported as
``field: what is wrong. What to do.``
"""

import keyword
import re
import sys

from . import baked, hook_selection, lines, pins, presets, settings_spec, template
from .setting import entries

MODULE_TYPES = tuple(template.CONTEXT["module_type"])
# The answers cookiecutter does not ask for (their name starts with "_"): given on the command
# line (``_hooks=ioc``) or in a replay file, each with a default that suits most modules.
PRIVATE = tuple(
    key
    for key in template.CONTEXT
    if key.startswith("_") and not key.startswith("__") and key not in template.COOKIECUTTER_KEYS
)
LICENSES = ("LGPL-3.0-or-later", "MIT", "Apache-2.0", "GPL-3.0-or-later", "Proprietary")

KEYWORD_RULE = re.compile(r"[a-z][a-z0-9_]{0,31}")
# A distribution name IRIS's admins type; its package name is the same, lowercase, with
# dashes and dots folded to underscores.
MODULE_NAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*")
MODULE_NAME_MAX = 80
# A canonical PEP 440 release (no epoch, no local part): what setuptools keeps unchanged.
VERSION_RULE = re.compile(r"(0|[1-9]\d*)(\.(0|[1-9]\d*))*((a|b|rc)(0|[1-9]\d*))?(\.post\d+)?(\.dev\d+)?")
EMAIL_RULE = re.compile(r"[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+")
URL_RULE = re.compile(r"https?://[^\s\"'<>`|\\]+")
TEXT_MAX = 500

# Packages a module must not shadow: IRIS's own code, the interface, and what IRIS's
# environment depends on. The standard library is added below.
RESERVED_PACKAGES = set(
    "app iris_interface celery kombu flask sqlalchemy marshmallow requests urllib3 packaging setuptools pip tests test".split()
)
STDLIB = set(getattr(sys, "stdlib_module_names", ())) | set(
    "json logging os sys re typing email http string types".split()
)


class AnswerError(ValueError):
    """An answer (or several) that would bake a broken module."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def package_name(module_name):
    """The import name IRIS is given for a module name (``iris-vt-module`` -> ``iris_vt_module``)."""
    problems = module_name_problems(module_name)
    if problems:
        raise AnswerError(problems)
    return re.sub(r"[-.]", "_", module_name.lower())


def class_name(keyword_answer):
    """The interface class name for a keyword (``virus_total`` -> ``IrisVirusTotalInterface``)."""
    words = re.split(r"[^A-Za-z0-9]+", keyword_answer)
    return "Iris" + "".join(word[:1].upper() + word[1:] for word in words) + "Interface"


def module_name_problems(value):
    if not MODULE_NAME_RULE.fullmatch(value) or len(value) > MODULE_NAME_MAX:
        return [
            f"module_name: {value!r} is not a distribution name. Use letters, digits and"
            f" single dashes, starting with a letter (at most {MODULE_NAME_MAX} characters),"
            " e.g. 'iris-virustotal-module'."
        ]
    package = re.sub(r"[-.]", "_", value.lower())
    if keyword.iskeyword(package) or package in RESERVED_PACKAGES or package in STDLIB:
        return [
            f"module_name: {value!r} gives the package name {package!r}, which is a Python"
            " keyword or shadows a package IRIS imports. Pick a more specific name, e.g."
            f" 'iris-{package}-module'."
        ]
    return []


def default_module_name(keyword_answer):
    """The module name cookiecutter.json makes from a keyword (``virus_total`` -> ``iris-virus-total-module``)."""
    return f"iris-{keyword_slug(keyword_answer)}-module"


def shipped_problems(answers):
    """A module named as a package the IRIS line already ships or pins (``iris-misp-module``).

    pip, given IRIS's pins as constraints, refuses to install it beside IRIS (or would replace
    IRIS's own module), which ``make install`` found only at the end. The list is the line's
    constraints.txt, derived from its source/requirements.txt: its bundled modules and packages.
    When the name is the one made from the keyword, the keyword is what to change.
    """
    suggestion = shipped_suggestion(answers)
    if not suggestion:
        return []
    (field, better), line, module_name = suggestion.popitem(), lines.of(answers), answers["module_name"]
    pin = pins.pins(line)[pins.canonical(module_name)]
    shipped = (
        f"which {line.name} already ships or pins ({pin} in its iris-constraints.txt): pip would refuse to"
        " install yours beside it"
    )
    if field == "keyword":
        return [
            f"keyword: {answers['keyword']!r} makes the module {module_name!r}, {shipped}. Pick another keyword,"
            f" e.g. {better!r}, or give a module_name of your own."
        ]
    return [f"module_name: {module_name!r} is a module {shipped}. Pick another, e.g. {better!r}."]


def shipped_suggestion(answers):
    """``{field: better answer}`` when the module name is one IRIS's line ships: the keyword when the name was made
    from it, else the module name; empty when the name is free."""
    line, module_name = lines.of(answers), answers["module_name"]
    if pins.canonical(module_name) not in pins.pins(line):
        return {}
    keyword_answer = answers.get("keyword")
    if isinstance(keyword_answer, str) and module_name == default_module_name(keyword_answer):
        return {"keyword": free_keyword(answers)}
    return {"module_name": free_module_name(answers)}


def _is_free(module_name, line):
    return pins.canonical(module_name) not in pins.pins(line) and not module_name_problems(module_name)


def free_keyword(answers):
    """A keyword near the refused one whose module name IRIS's line does not ship: the organisation's, or ``_ext``."""
    keyword_answer, line = answers["keyword"], lines.of(answers)
    organization = re.sub(r"[^a-z0-9]+", "_", str(answers.get("_organization", "")).lower()).strip("_")
    candidates = [f"{organization}_{keyword_answer}"] if organization[:1].isalpha() else []
    candidates += [f"{keyword_answer}_ext", f"{keyword_answer}_local", f"{keyword_answer}2"]
    return next(
        (
            candidate
            for candidate in candidates
            if KEYWORD_RULE.fullmatch(candidate) and _is_free(default_module_name(candidate), line)
        ),
        "my_" + keyword_answer,
    )


def free_module_name(answers):
    """A module name near the refused one that IRIS's line does not ship."""
    stem = re.sub(r"-module$", "", pins.canonical(answers["module_name"]))
    line = lines.of(answers)
    candidates = [f"{stem}-ext-module", f"{stem}-local-module", f"{stem}2-module"]
    return next((candidate for candidate in candidates if _is_free(candidate, line)), "iris-my-module")


def keyword_problems(value):
    if KEYWORD_RULE.fullmatch(value):
        return []
    return [
        f"keyword: {value!r} is not a short lowercase word. Start with a letter and use only"
        f" a-z, 0-9 and '_' (at most 32 characters), e.g. {keyword_suggestion(value) or 'virustotal'!r}."
    ]


def keyword_suggestion(value):
    """A keyword close to ``value`` that follows the rule, or None."""
    hint = re.sub(r"[^a-z0-9_]+", "_", value.strip().lower()).strip("_")
    return hint if KEYWORD_RULE.fullmatch(hint) else None


def keyword_slug(value):
    """The keyword as the module name shows it (``virus_total`` -> ``virus-total``); a bad keyword, which
    is refused once every answer is in, does not spread into the defaults made from it."""
    good = value if KEYWORD_RULE.fullmatch(value) else keyword_suggestion(value) or "example"
    return good.replace("_", "-")


def text_problems(field, value, required=True):
    """Free text may hold quotes, backslashes, braces and any language; it must be one line."""
    if required and not value.strip():
        return [f"{field}: is empty. Give it a value."]
    if len(value) > TEXT_MAX:
        return [f"{field}: is {len(value)} characters long. Keep it under {TEXT_MAX}."]
    bad = sorted({char for char in value if _is_control(char)})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        return [f"{field}: contains control characters ({shown}). Write it on one line without them."]
    return []


def _is_control(char):
    code = ord(char)
    # C0/C1 controls, DEL, lone surrogates, and line/paragraph separators break one-line
    # metadata (setup's Summary, TOML strings, the README title).
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0x2028, 0x2029)


def version_problems(value):
    if VERSION_RULE.fullmatch(value):
        return []
    return [f"_module_version: {value!r} is not a PEP 440 release. Use a form like 0.1.0, 1.2.0rc1 or 2.0.0.post1."]


def email_problems(value):
    if value == "" or EMAIL_RULE.fullmatch(value):
        return []
    return [f"email: {value!r} is not an e-mail address. Use name@domain.tld, or leave it empty."]


def url_problems(value):
    if value == "" or URL_RULE.fullmatch(value):
        return []
    return [f"_repository_url: {value!r} is not a web address. Use https://host/path, or leave it empty."]


def choice_problems(field, value, choices):
    if value in choices:
        return []
    return [f"{field}: {value!r} is not one of {', '.join(choices)}. Pick one of those."]


def human_name(answers):
    """The name IRIS shows: the ``_module_human_name`` answer, or one made from the keyword."""
    return answers["_module_human_name"] or class_name(answers["keyword"]).removesuffix("Interface")


def module_description(answers):
    """The one-line description IRIS shows: the ``_module_description`` answer, or one made from the type and keyword."""
    return answers["_module_description"] or f"IRIS {answers['module_type']} module for {answers['keyword']}"


def hooks_answer(answers):
    """The hooks a processor answers: the ``_hooks`` answer, or the preset's when it is empty."""
    return answers["_hooks"].strip() or presets.of(answers).hooks


def pipeline_args_answer(answers):
    """A pipeline's arguments: the ``_pipeline_args`` answer, or one optional hostname when it is empty."""
    return answers["_pipeline_args"].strip() or DEFAULT_PIPELINE_ARGS


DEFAULT_PIPELINE_ARGS = "hostname:optional"


def problems(answers):
    """Every problem with a set of answers, one line each, in prompt order; empty when they bake a module.

    Each check runs when the answers it reads are there, so the answers re-asked by a replay
    are checked as they are typed; the pre-generation hook checks the whole set.
    """
    given = set(answers)

    def has(*fields):
        return given.issuperset(fields)

    found = []
    if has("keyword"):
        found += keyword_problems(answers["keyword"])
    if has("module_type"):
        found += choice_problems("module_type", answers["module_type"], MODULE_TYPES)
    if has("preset", "module_type"):
        found += presets.problems(answers)
    found += lines.problems(answers)
    if has("module_type", "preset", "_hooks", "_pipeline_args"):
        found += type_problems(answers)
    if has(presets.HELPERS_ANSWER):
        found += presets.helper_problems(answers)
    if has("module_type", "preset", "_hooks", "settings"):
        found += settings_problems(answers)
    if has("module_name"):
        found += module_name_problems(answers["module_name"]) or shipped_problems(answers)
    if has("_module_description", "keyword", "module_type"):
        found += text_problems("_module_description", module_description(answers))
    if has("author"):
        found += text_problems("author", answers["author"])
    if has("email"):
        found += email_problems(answers["email"])
    if has("_module_human_name", "keyword"):
        found += human_name_problems(human_name(answers))
    if has("_module_version"):
        found += version_problems(answers["_module_version"])
    if has("_organization"):
        found += text_problems("_organization", answers["_organization"], required=False)
    if has("_repository_url"):
        found += url_problems(answers["_repository_url"])
    if has("_license"):
        found += choice_problems("_license", answers["_license"], LICENSES)
    return found


def human_name_problems(value):
    found = text_problems("_module_human_name", value)
    if value == "IrisBaseModule":
        found.append(
            "_module_human_name: 'IrisBaseModule' is the interface's own name, which IRIS refuses. Pick another."
        )
    return found


def type_problems(answers):
    """The hooks of a processor, the arguments of a pipeline; each type refuses the other's."""
    if answers["module_type"] == "pipeline":
        found = settings_spec.pipeline_arg_problems(pipeline_args_answer(answers))
        if answers["_hooks"].strip():
            found.append("_hooks: a pipeline answers no IRIS hooks. Leave _hooks empty, or set module_type=processor.")
        return found
    found = []
    if answers["_pipeline_args"].strip():
        found.append(
            "_pipeline_args: a processor takes no pipeline arguments. Leave it empty, or set module_type=pipeline."
        )
    catalogue = hook_selection.catalogue(lines.of(answers))
    if answers["preset"] not in presets.PRESETS or presets.problems(answers):  # no preset's hooks to go by
        return found + catalogue.problems(answers["_hooks"]) if answers["_hooks"].strip() else found
    hooks = hooks_answer(answers)
    found += catalogue.problems(hooks)
    # The hooks that are known still say which handler functions the preset must have.
    functions = [function["name"] for function in catalogue.plan(hooks)["functions"]]
    return found + presets.hook_problems(answers, functions)


def settings_problems(answers):
    """Each bad item of the settings answer, and each name it takes twice or takes from the module's own settings."""
    found = text_problems("settings", answers["settings"], required=False)
    found += settings_spec.setting_problems(answers["settings"])
    own = builtin_settings(answers)
    seen = set()
    for setting in settings_spec.settings(answers["settings"]):
        name = setting.param_name
        if name in seen:
            found.append(f"settings: {name!r} is declared twice. Keep one.")
        elif name in own:
            found.append(
                f"settings: {name!r} is already {own[name]}: leave it out (code reads it as"
                f" context.settings.{name}), or pick another name."
            )
        seen.add(name)
    if not found and answers["preset"] in presets.PRESETS and not presets.problems(answers):
        # Only the user's: the template's own settings are the same at every bake, and its tests ask the fake IRIS
        # of each line about them (tests/test_rules.py). A bake without settings of its own renders no fake.
        found += refused_by_iris(answers, declarers=("settings",))
    return found


def refused_by_iris(answers, declarers=None):
    """What the chosen IRIS line would refuse of the module's settings that ``declarers`` declare (see
    ``declared_settings``; None: all of them): asked once every setting is known, of the baked project's fake IRIS for
    that line; each problem says where to fix it."""
    line = lines.of(answers)
    preset_file = (template.PRESETS_DIR / answers["preset"] / "preset.json").relative_to(template.TEMPLATE_DIR)
    fixes = {
        "preset": f"preset: {preset_file}: {{}}. Fix that file (or {presets.HELPERS_PATH.name}, for a helper's"
        " setting), or pick another preset.",
        "settings": "settings: {}. Change it in the settings answer.",
        "switch": "_hooks: {} (the hook's switch, which the template makes). Leave that hook out, and report it.",
        "type": "module_type: {} (a setting the template gives every module of the type). Report it.",
    }
    return [
        fixes[declarer].format(problem)
        for declarer, setting in declared_settings(answers)
        if declarers is None or declarer in declarers
        for problem in baked.settings_problems(setting, line)
    ]


def good_settings(answers):
    """The items of the settings answer that have no problem, the first of each name: a retry's default."""
    own, seen, good = builtin_settings(answers), set(), []
    for item in settings_spec.items(answers["settings"]):
        if settings_spec.item_problems(item):
            continue
        name = settings_spec.settings(item)[0].param_name
        if name not in own and name not in seen:
            good.append(item)
        seen.add(name)
    return ", ".join(good)


def builtin_settings(answers):
    """The settings a module has before the user's own, by name, each with where it comes from."""
    module_type = answers["module_type"]
    own = dict.fromkeys(presets.TYPE_SETTINGS.get(module_type, {}), f"a setting every {module_type} has")
    if module_type != "pipeline" and answers["preset"] in presets.PRESETS:
        catalogue = hook_selection.catalogue(lines.of(answers))
        known = [token for token in hook_selection.tokens(hooks_answer(answers)) if not catalogue.problems(token)]
        for switch in catalogue.plan(", ".join(known))["switches"]:
            own[switch.param_name] = "the switch of the hook of that name"
    preset_settings = presets.of(answers).settings
    names = ", ".join(setting.param_name for setting in preset_settings)
    added = " and the helpers it adds" if presets.added_helpers(answers) else ""
    for setting in preset_settings:
        own[setting.param_name] = f"a setting of the {answers['preset']} preset{added} ({names})"
    return own


def builtin_settings_hint(answers):
    """One line naming the settings the chosen module already has, for the settings prompt."""
    names = list(builtin_settings(answers))
    if not names:
        return ""
    kind = "hook switches and settings" if answers["module_type"] == "processor" else "settings"
    return f"The {answers['preset']} {answers['module_type']} already has these {kind}: {', '.join(names)}."


def declared_settings(answers):
    """``[(declarer, Setting)]``: every setting of the module and who declares it (``type``, ``preset``,
    ``settings``: the user, ``switch``), in config.py's order: the type's own, the preset's, the user's, then the
    hook switches, which an admin reads after what the module needs filled in (their section sorts last in IRIS too)."""
    preset, module_type = presets.of(answers), answers["module_type"]
    mine = [
        *(("type", setting) for setting in presets.TYPE_SETTINGS.get(module_type, {}).values()),
        *(("preset", setting) for setting in preset.settings),
        *(("settings", setting) for setting in settings_spec.settings(answers["settings"])),
    ]
    if module_type == "processor":
        catalogue = hook_selection.catalogue(lines.of(answers))
        switches = catalogue.plan(hooks_answer(answers), preset.needed_hooks)["switches"]
        return [*mine, *(("switch", setting) for setting in switches)]
    return mine


def module_settings(answers):
    """Every IRIS configuration entry of the module, in config.py's order (``declared_settings``)."""
    return entries([setting for _, setting in declared_settings(answers)])


def undescribed_settings(answers):
    """The user's settings given without a description: config.py marks where to write one."""
    return settings_spec.undescribed(answers["settings"])


def unused_files(answers):
    """The optional files of the baked project that the chosen preset does not use."""
    package = package_name(answers["module_name"])
    kept = presets.of(answers).files
    every = {path for preset in presets.PRESETS.values() for path in preset.files}
    every |= {path for helper in presets.HELPERS.values() for path in helper["files"]}
    return sorted(path.replace("PACKAGE", package) for path in every - set(kept))
