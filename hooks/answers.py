"""The rules every prompt answer must follow, and the names derived from the answers.

Plain Python with no third-party imports: the pre-generation hook, the Jinja filters in
``local_extensions.py`` and the template's tests all load this file, which gathers the rules
of the files beside it (hooks, settings, presets), so a rule is written once. Each problem
is reported as ``field: what is wrong. What to do.``
"""

import importlib.util
import keyword
import re
import sys
from pathlib import Path


def _rules_beside(name):
    """The rule file ``name`` beside this one, loaded from this template whatever else is loaded."""
    path = Path(__file__).resolve().with_name(f"{name}.py")
    # One module name per template folder: two templates in one process keep their own rules.
    spec = importlib.util.spec_from_file_location(f"iris_skeleton_{name}_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hook_selection = _rules_beside("hook_selection")
presets = _rules_beside("presets")
settings_spec = _rules_beside("settings_spec")
iris_pins = _rules_beside("iris_pins")

MODULE_TYPES = ("processor", "pipeline")
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
RESERVED_PACKAGES = {
    "app", "iris_interface", "celery", "kombu", "flask", "sqlalchemy", "marshmallow",
    "requests", "urllib3", "packaging", "setuptools", "pip", "tests", "test",
}  # fmt: skip
STDLIB = set(getattr(sys, "stdlib_module_names", ())) | {
    "json", "logging", "os", "sys", "re", "typing", "email", "http", "string", "types",
}  # fmt: skip


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


def keyword_problems(value):
    if KEYWORD_RULE.fullmatch(value):
        return []
    hint = re.sub(r"[^a-z0-9_]", "_", value.strip().lower()).strip("_")
    hint = f" e.g. {hint!r}" if KEYWORD_RULE.fullmatch(hint) else " e.g. 'virustotal'"
    return [
        f"keyword: {value!r} is not a short lowercase word. Start with a letter and use only"
        f" a-z, 0-9 and '_' (at most 32 characters),{hint}."
    ]


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
    return [f"module_version: {value!r} is not a PEP 440 release. Use a form like 0.1.0, 1.2.0rc1 or 2.0.0.post1."]


def email_problems(value):
    if value == "" or EMAIL_RULE.fullmatch(value):
        return []
    return [f"email: {value!r} is not an e-mail address. Use name@domain.tld, or leave it empty."]


def url_problems(value):
    if value == "" or URL_RULE.fullmatch(value):
        return []
    return [f"repository_url: {value!r} is not a web address. Use https://host/path, or leave it empty."]


def choice_problems(field, value, choices):
    if value in choices:
        return []
    return [f"{field}: {value!r} is not one of {', '.join(choices)}. Pick one of those."]


def problems(answers):
    """Every problem with a set of answers, in prompt order; empty when they bake a module."""
    found = keyword_problems(answers["keyword"])
    found += module_name_problems(answers["module_name"])
    found += text_problems("module_human_name", answers["module_human_name"])
    if answers["module_human_name"] == "IrisBaseModule":
        found.append("module_human_name: 'IrisBaseModule' is the interface's own name, which IRIS refuses. Pick another.")
    found += text_problems("module_description", answers["module_description"])
    found += text_problems("author", answers["author"])
    found += email_problems(answers["email"])
    found += version_problems(answers["module_version"])
    found += choice_problems("module_type", answers["module_type"], MODULE_TYPES)
    found += choice_problems("license", answers["license"], LICENSES)
    found += text_problems("organization", answers["organization"], required=False)
    found += url_problems(answers["repository_url"])
    preset_problems = presets.problems(answers)
    found += preset_problems
    if answers["module_type"] == "processor":
        hook_problems = hook_selection.problems(answers["hooks"])
        found += hook_problems
        if not hook_problems and not preset_problems:
            functions = [function["name"] for function in hook_selection.plan(answers["hooks"])["functions"]]
            found += presets.hook_problems(answers, functions)
    else:
        found += settings_spec.pipeline_arg_problems(answers["pipeline_args"])
    found += text_problems("settings", answers["settings"], required=False)
    setting_problems = settings_spec.setting_problems(answers["settings"])
    found += setting_problems
    if not found:
        found += settings_spec.duplicate_problems(module_settings(answers))
    return found


# The settings every module of a type has, before the user's own.
MOVE_PROCESSED = presets.setting(
    "move_processed",
    "Move processed files aside",
    "Move each file, once processed, into processed/ (or rejected/ when it failed) so the next run skips it.",
    "bool",
    True,
    mandatory=True,
)


def module_settings(answers):
    """Every IRIS configuration entry of the module: the type's own, the preset's, then the user's."""
    if answers["module_type"] == "processor":
        own = hook_selection.plan(answers["hooks"])["switches"]
    else:
        own = [MOVE_PROCESSED]
    return own + presets.PRESETS[answers["preset"]].settings + settings_spec.settings(answers["settings"])


def unused_files(answers):
    """The optional files of the baked project that the chosen preset does not use."""
    package = package_name(answers["module_name"])
    kept = presets.PRESETS[answers["preset"]].files
    every = {path for preset in presets.PRESETS.values() for path in preset.files}
    return sorted(path.replace("PACKAGE", package) for path in every - set(kept))
