"""The ``settings`` and ``_pipeline_args`` answers: a module's settings and pipeline arguments, typed in one line.

``settings``: comma-separated items ``[Section/]name:type[!][=default] ["description"]``, e.g.
``api_url:string=https://api.example, Secrets/site_key:sensitive_string! "The site's key", max_age_days:int=30``.
``!`` makes the setting mandatory; a default runs to the next comma or to a closing
``"description"``, which IRIS shows the admin (a comma inside the quotes is kept). A comma
inside a default is written ``\\,``: ``servers:textfield_json={"a": 1\\, "b": 2}``.
Without a section, a setting goes under ``Settings``.

``_pipeline_args``: comma-separated ``name[:required|:optional]``, e.g. ``index:required, hostname``.
"""

import json
import keyword
import re

from . import baked
from .baked import FALSE_WORDS, TRUE_WORDS
from .setting import Setting

ITEM = re.compile(
    r"(?:(?P<section>[^/:]+)/)?(?P<name>[^:]*):\s*(?P<type>[^!=\s\"]*)\s*(?P<mandatory>!?)"
    r"(?:=(?P<default>.*?))?(?:\s*\"(?P<description>[^\"]*)\")?"
)
DEFAULT_SECTION = "Settings"
NAME = re.compile(r"[a-z][a-z0-9_]{0,49}")
# Words written in capitals in the names IRIS shows.
ACRONYMS = {
    "api",
    "url",
    "uri",
    "tls",
    "ssl",
    "ca",
    "ip",
    "id",
    "http",
    "https",
    "dns",
    "vql",
    "json",
    "html",
    "ioc",
    "tlp",
}
NEEDS = ("required", "optional")


ESCAPED_COMMA = "\\,"


def items(answer):
    """The comma-separated items of an answer; commas between double quotes, or escaped, do not separate."""
    found, current, quoted = [], "", False
    for char in answer:
        if char == "," and not quoted and not current.endswith("\\"):
            found.append(current)
            current = ""
            continue
        quoted ^= char == '"'
        current += char
    return [item.strip() for item in [*found, current] if item.strip()]


def human_name(name):
    words = [word.upper() if word in ACRONYMS else word for word in name.split("_") if word]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def parse_default(text, setting_type):
    """The default as IRIS stores it; raises ValueError when it is not a value of the type."""
    text = text.replace(ESCAPED_COMMA, ",")
    if setting_type == "bool":
        if text.lower() not in TRUE_WORDS + FALSE_WORDS:
            raise ValueError(f"is not a bool; write one of {', '.join(TRUE_WORDS + FALSE_WORDS)}")
        return text.lower() in TRUE_WORDS
    if setting_type == "int":
        if not re.fullmatch(r"[-+]?\d+", text):
            raise ValueError("is not a whole number")
        return int(text)
    if setting_type == "textfield_json":
        try:
            json.loads(text)
        except ValueError as error:
            raise ValueError(f"is not JSON ({error}); a comma inside a default is written {ESCAPED_COMMA}") from None
    return text


def item_problems(item):
    """What is wrong with one item of a ``settings`` answer; empty when it declares a setting."""
    match = ITEM.fullmatch(item)
    if not match:
        return [
            f"settings: {item!r} is not name:type. Write e.g. 'site_id:string!' or 'max_age_days:int=30 \"Days to keep\"';"
            f" a comma inside a default is written {ESCAPED_COMMA}."
        ]
    found = []
    name, setting_type = match["name"].strip(), match["type"].strip()
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        found.append(
            f"settings: {item!r}: {name!r} is not a setting name. Use lowercase letters, digits and '_',"
            " starting with a letter, not a Python keyword."
        )
    if setting_type not in baked.iris_setting_types():
        found.append(
            f"settings: {item!r}: {setting_type!r} is not an IRIS type. Use one of {', '.join(baked.iris_setting_types())}."
        )
    elif match["default"] is not None:
        try:
            parse_default(match["default"].strip(), setting_type)
        except ValueError as error:
            found.append(f"settings: {item!r}: the default {match['default'].strip()!r} {error}.")
    return found


def setting_problems(answer):
    """One problem per bad item, naming the item; names taken twice are left to the caller, who knows the others."""
    return [problem for item in items(answer) for problem in item_problems(item)]


def settings(answer):
    """A Setting for each item of a ``settings`` answer that declares one, in its order."""
    return [_entry(ITEM.fullmatch(item)) for item in items(answer) if not item_problems(item)]


def undescribed(answer):
    """The names of the settings an answer declares without a description."""
    matches = [ITEM.fullmatch(item) for item in items(answer) if not item_problems(item)]
    return [match["name"].strip() for match in matches if match["description"] is None]


def _entry(match):
    name, setting_type, mandatory = match["name"].strip(), match["type"].strip(), bool(match["mandatory"])
    if match["default"] is not None:
        default = parse_default(match["default"].strip(), setting_type)
    elif mandatory:
        default = None  # IRIS keeps the module off until an admin fills it in
    else:
        default = {"bool": False, "int": 0}.get(setting_type, "")
    description = _sentence((match["description"] or "").strip())
    if default is None:
        description = f"{description} Fill it in before enabling the module.".strip()
    return Setting(
        param_name=name,
        param_human_name=human_name(name),
        param_description=description,
        default=default,
        mandatory=mandatory,
        type=setting_type,
        section=(match["section"] or "").strip() or DEFAULT_SECTION,
    )


def _sentence(text):
    return text + "." if text and text[-1] not in ".!?" else text


def pipeline_arg_items(answer):
    """``(item, name, need)`` for each item of a ``pipeline_args`` answer; ``need`` may be empty."""
    for item in items(answer):
        name, _, need = (part.strip() for part in item.partition(":"))
        yield item, name, need


def pipeline_arg_problems(answer):
    if not items(answer):
        return [
            "_pipeline_args: is empty, and IRIS refuses a pipeline without arguments. Give one, e.g. 'hostname:optional'."
        ]
    found, seen = [], set()
    for item, name, need in pipeline_arg_items(answer):
        if not NAME.fullmatch(name):
            found.append(
                f"_pipeline_args: {item!r}: {name!r} is not an argument name. Use lowercase letters, digits and '_'."
            )
        if need and need not in NEEDS:
            found.append(f"_pipeline_args: {item!r}: {need!r} is neither 'required' nor 'optional'.")
        if name in seen:
            found.append(f"_pipeline_args: {name!r} is given twice. Keep one.")
        seen.add(name)
    return found


def pipeline_args(answer):
    """``[[name, "required" | "optional"], ...]`` as IRIS's pipeline_info wants it."""
    return [[name, need or "optional"] for _, name, need in pipeline_arg_items(answer)]
