"""One IRIS configuration entry, whoever declares it: the settings answer, a preset, a hook's
switch, or the setting every pipeline has.

IRIS reads a module's entries from ``_module_configuration``; config.py writes them with the
keys of ``entry()``, in that order. A Setting is a plain value: whether IRIS would take it is
asked of the baked project's own fake IRIS (``baked.settings_problems``), once a bake's every
setting and its IRIS line are known (``answers.settings_problems``).
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class Setting:
    param_name: str
    param_human_name: str
    param_description: str
    default: object  # None: no default, and IRIS keeps the module off while a mandatory one is empty
    mandatory: bool = False
    type: str
    section: str | None = None  # the group IRIS shows it under; None: no group

    def entry(self):
        """The entry as config.py writes it and IRIS reads it."""
        entry = {field.name: getattr(self, field.name) for field in fields(self)}
        if entry["section"] is None:
            del entry["section"]
        return entry


def entries(settings):
    return [setting.entry() for setting in settings]
