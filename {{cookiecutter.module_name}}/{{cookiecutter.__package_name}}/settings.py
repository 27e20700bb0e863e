"""The module's settings, read one by one as IRIS stores them: ``context.settings.api_key``.

IRIS's settings dialog is a plain text box, so a stored ``int`` can hold ``abc`` or nothing.
iris-interface then gives up on the whole configuration and the module would run on its
defaults: on another server, with no key. Here each value is read on its own, and one that
does not read (or a mandatory one left empty) is a problem the glue reports before the
handler runs, so nothing is sent anywhere on a typo. A name that config.CONFIGURATION does
not declare raises AttributeError on first use. Imports nothing from IRIS.
"""

import json
import re

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
TEXT_TYPES = ("string", "sensitive_string", "textfield_html", "textfield_json", "textfield_markdown")
MASK = "********"


class SettingsError(Exception):
    """Stored settings that do not read: the module does nothing until an admin fixes them."""

    def __init__(self, problems):
        super().__init__(
            "; ".join(problems) + ". Nothing was done: fix the setting(s) under Manage > Advanced > Modules"
        )
        self.problems = problems


class Unreadable(ValueError):
    """Why one stored value does not read as its type."""


class Settings:
    """Each configuration entry's stored value, or its default while IRIS has none, as its type.

    ``stored`` is IRIS's list of stored entries (``param_name``, ``value``), as iris-interface's
    get_configuration() gives it. ``guards`` names the bool settings that guard security: a
    word that is neither true nor false reads as on for them, and ``notes`` says so.
    ``secret_fields`` maps a textfield_json setting to the keys whose values, at any depth of its
    JSON, are secrets (``{"instances": ("key",)}``): masked as a sensitive_string's value is.
    """

    def __init__(self, configuration, stored=(), guards=(), secret_fields=None):
        stored_values = {entry.get("param_name"): entry.get("value") for entry in stored if isinstance(entry, dict)}
        values, unreadable, empty, notes, secrets, sensitive = {}, {}, {}, [], [], set()
        secret_fields = dict(secret_fields or {})
        for entry in configuration:
            name, kind = entry["param_name"], entry["type"]
            raw = stored_values.get(name)
            raw = entry["default"] if raw is None else raw  # IRIS's rule: no stored value reads the default
            if kind == "sensitive_string":
                sensitive.add(name)
                if isinstance(raw, str) and raw:
                    secrets.append(raw)
            elif name in secret_fields:  # shown masked whole, as a sensitive_string: it holds secrets
                sensitive.add(name)
                secrets += json_secrets(raw, secret_fields[name])
            try:
                values[name] = read(raw, kind)
            except Unreadable as why:
                holds = f"{label(entry)} holds {shown(raw, name in sensitive)}"
                if kind == "bool" and name in guards:
                    values[name] = True
                    notes.append(f"{holds}, {why}: read as on")
                else:
                    unreadable[name] = f"{holds}, which does not read as {kind}: {why}"
                continue
            if entry.get("mandatory") and values[name] in (None, ""):
                empty[name] = f"{label(entry)} is mandatory and empty"
        # Only underscored names here: any other attribute could hide a setting of that name.
        self.__dict__.update(_values=values, _sensitive=sensitive, _notes=notes, _secrets=tuple(secrets))
        self.__dict__.update(_unreadable=unreadable, _empty=empty)

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        if name in values:
            return values[name]
        if name in self._unreadable:  # a value that did not read has no value to give
            raise SettingsError([self._unreadable[name]])
        raise AttributeError(f"{name!r} is not a setting of this module; config.CONFIGURATION has {', '.join(values)}")

    def __setattr__(self, name, value):
        raise AttributeError("settings are read-only: an admin changes them in IRIS")

    def __repr__(self):
        shown_values = (
            f"{name}={MASK if name in self._sensitive else value!r}" for name, value in self._values.items()
        )
        return f"Settings({', '.join(shown_values)})"


# What the reading found, as functions: a method of Settings would hide a setting of its name.
def problems(settings):
    """Setting name -> why it stops every call: a value that does not read, or a mandatory one left empty."""
    return {**settings._unreadable, **settings._empty}


def empty_mandatory(settings):
    return list(settings._empty)


def notes(settings):
    """What was read otherwise than typed (a security switch read as on), for the call's logs."""
    return list(settings._notes)


def secrets(settings):
    """The text of every sensitive_string setting and of each secret field of a JSON setting, read or not: to mask it."""
    return settings._secrets


def json_secrets(text, keys):
    """The values under ``keys``, at any depth, of a JSON setting's text (every value inside one that holds a list
    or an object). A text that is not JSON is secret whole: which part is a key cannot be told."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return [text]
    found = []

    def walk(node, secret):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, secret or key in keys)
        elif isinstance(node, list):
            for item in node:
                walk(item, secret)
        elif secret and node not in (None, "") and not isinstance(node, bool):
            found.append(str(node))

    walk(data, False)
    return found


def check(settings):
    """Raise SettingsError naming every setting that does not read or is mandatory and empty."""
    if problems(settings):
        raise SettingsError(list(problems(settings).values()))


def names_holding(settings, text):
    """The settings whose text value appears in ``text``: to name where a bad value came from."""
    return [name for name, value in settings._values.items() if isinstance(value, str) and value and value in text]


def read(value, setting_type):
    """``value`` as IRIS stores it (typed text, or what IRIS cast) read as ``setting_type``; Unreadable if it is not one."""
    if value is None:
        return None
    if setting_type == "bool":
        return _bool(value)
    if setting_type == "int":
        return _int(value)
    if setting_type in TEXT_TYPES:
        return _text(value, setting_type)
    return value


def _bool(value):
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Unreadable("neither true nor false")


def _int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise Unreadable("not a whole number")
    return int(text)


def _text(value, setting_type):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # a configuration imported from JSON may carry numbers
    if not isinstance(value, str):
        raise Unreadable(f"a {type(value).__name__}, not text")
    if setting_type == "textfield_json" and value.strip():
        try:
            json.loads(value)
        except ValueError as error:
            raise Unreadable(f"text that is not JSON ({error})") from None
    return value


def label(entry):
    """A setting as the admin sees it in IRIS, with the name code reads it by."""
    name, human = entry["param_name"], entry.get("param_human_name")
    return name if human in (None, "", name) else f"{human} ({name})"


def shown(value, sensitive):
    """A stored value as a problem shows it: masked when sensitive, cut when long."""
    if sensitive:
        return MASK
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
