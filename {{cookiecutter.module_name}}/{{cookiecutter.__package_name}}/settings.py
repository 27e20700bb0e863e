"""The module's settings, read as attributes: ``context.settings.api_key``, never ``["api_key"]``.

A name that config.CONFIGURATION does not declare raises AttributeError on first use, so a
typo fails in the tests instead of reading None in IRIS. Imports nothing from IRIS.
"""

TRUE_WORDS = ("true", "yes", "on", "1")


class Settings:
    """Each configuration entry's stored value, or its default while IRIS has none, as its type."""

    def __init__(self, configuration, stored):
        values, secrets = {}, set()
        for entry in configuration:
            name = entry["param_name"]
            values[name] = typed(stored.get(name, entry["default"]), entry["type"])
            if entry["type"] == "sensitive_string":
                secrets.add(name)
        self.__dict__.update(_values=values, _secrets=secrets)

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        if name in values:
            return values[name]
        raise AttributeError(f"{name!r} is not a setting of this module; config.CONFIGURATION has {', '.join(values)}")

    def __setattr__(self, name, value):
        raise AttributeError("settings are read-only: an admin changes them in IRIS")

    def __repr__(self):
        shown = (f"{name}={'********' if name in self._secrets else value!r}" for name, value in self._values.items())
        return f"Settings({', '.join(shown)})"


def typed(value, setting_type):
    """IRIS casts bool and int settings when it reads them back; values from elsewhere may be text."""
    if setting_type == "bool":
        return value if isinstance(value, bool) else str(value).strip().lower() in TRUE_WORDS
    if setting_type == "int" and value not in (None, ""):
        return int(value)
    if setting_type == "int":
        return None
    return value
