"""The ``_hooks`` answer: which of IRIS's hooks a processor module answers, and how the code is laid out for them.

A ``Catalogue`` is one IRIS line's ``iris_hooks.json`` (``templates/iris/<release>/``, derived from
IRIS's own source, baked as ``tests/iris_hooks.json``). It is the one list of hook names:
it checks the answer and plans the hook table, the handler functions and their switches;
the baked tests read the same file to refuse a hook IRIS does not have.
"""

import difflib
import functools
import json
import re

from .setting import Setting

EVERY_HOOK = "all"
# A phase names every hook of it: ``postload``, ``preload``, ``manual``.
PHASES = ("preload", "postload", "manual")
# IRIS's settings table sorts its rows by section (its DataTable orders column 0 ascending, lowercased)
# and groups them: the switches' section must come after every section of the module's own settings
# (``Settings``, a preset's ``VirusTotal``...), or an admin pages through 90 switches to find them.
# A letter past ``z`` does it; ``»`` also reads as "then".
SWITCH_SECTION = "» Hooks"

# What a handler function receives, by the shape of the hook's data: (group, argument name).
SHAPES = {
    "objects": ("objects", None),
    "request_dict": ("requests", "requests"),
    "ids": ("ids", "ids"),
    "ids_or_dict": ("ids", "ids"),
    "request_body": ("ids", "ids"),
    "comment_and_object_dicts": ("comments", "comments"),
    "comment_dict": ("comments", "comments"),
    "comment_objects": ("comments", "comments"),
    "never_fired": ("comments", "comments"),
    "report_dict": ("reports", "reports"),
}
FUNCTION_NAMES = {
    "objects": "handle_{plural}",
    "requests": "prepare_{plural}",
    "ids": "handle_{kind}_ids",
    "comments": "handle_{kind}_comments",
    "reports": "handle_{plural}",
}
PHASE_WORDS = {"preload": "before IRIS acts", "postload": "after IRIS acts", "manual": "menu entry"}


@functools.cache
def catalogue(line):
    """The hooks of an IRIS line (an ``lines.Line``), read once."""
    return Catalogue(json.loads((line.folder / "iris_hooks.json").read_text(encoding="utf-8")))


def tokens(answer):
    return [token for token in re.split(r"[\s,]+", answer.strip().lower()) if token]


class Catalogue:
    """One IRIS line's hooks (its ``iris_hooks.json``): the answers they allow, and the code they plan."""

    def __init__(self, catalogue):
        self.data = catalogue
        self.iris_version = catalogue["iris_version"]
        self.hooks = {hook["name"]: hook for hook in catalogue["hooks"]}
        self.kinds = catalogue["kinds"]
        self._switch = functools.cache(self._switch)  # a Setting is never changed: one per hook will do

    def problems(self, answer):
        """What is wrong with a ``_hooks`` answer, with a suggestion for each unknown name."""
        if not tokens(answer):
            return [
                "_hooks: is empty. Name at least one IRIS hook or object kind, e.g. 'ioc' or 'on_manual_trigger_case'."
            ]
        found = []
        known = [*self.hooks, *self.kinds, *PHASES, EVERY_HOOK]
        for token in tokens(answer):
            if token in known:
                continue
            close = difflib.get_close_matches(token, known, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            found.append(
                f"_hooks: {token!r} is neither an IRIS {self.iris_version} hook, an object kind"
                f" ({', '.join(self.kinds)}) nor a phase ({', '.join(PHASES)}), or {EVERY_HOOK!r}.{hint}"
            )
        return found

    def select(self, answer):
        """The hooks an answer names, in the catalogue's order. An object kind means its create and update hooks;
        a phase, every hook of it."""
        wanted = set()
        for token in tokens(answer):
            if token == EVERY_HOOK:
                wanted.update(self.hooks)
            elif token in PHASES:
                wanted.update(name for name, hook in self.hooks.items() if hook["phase"] == token)
            elif token in self.kinds:
                wanted.update(
                    name
                    for name in (f"on_postload_{token}_create", f"on_postload_{token}_update")
                    if name in self.hooks
                )
            else:
                wanted.add(token)
        return [hook for name, hook in self.hooks.items() if name in wanted]

    def function_name(self, hook):
        group = SHAPES[hook["data"]][0]
        kind = hook["kind"]
        return FUNCTION_NAMES[group].format(kind=kind, plural=self.kinds[kind]["plural"])

    def switched_on(self, answer, needed=""):
        """The names of the selected hooks whose switch is on by default.

        A pre-load hook runs inside the analyst's request and a manual one adds an entry to every
        object menu: those that came in only through ``all`` start off, unless ``needed`` (the
        preset's own hooks) names them. Whatever else was asked for (by name, kind or phase) starts on.
        """
        asked = {hook["name"] for hook in self.select(" ".join(t for t in tokens(answer) if t != EVERY_HOOK))}
        asked |= {hook["name"] for hook in self.select(needed)} if tokens(needed) else set()
        return [hook["name"] for hook in self.select(answer) if hook["phase"] == "postload" or hook["name"] in asked]

    def plan(self, answer, needed=""):
        """Everything the templates need for the selected hooks.

        ``rows``: one per hook, for the hook table (name, handler function, manual or not).
        ``functions``: one per handler function, grouping the hooks that share a kind and a
        data shape, with what the data holds for each.
        ``switches``: the bool Setting that turns each hook on or off, named after the hook, on by
        default as ``switched_on`` says (``needed``: the preset's hooks).
        """
        selected = self.select(answer)
        on = set(self.switched_on(answer, needed))
        rows, functions = [], {}
        for hook in selected:
            name = self.function_name(hook)
            rows.append({"name": hook["name"], "function": name, "manual": hook["phase"] == "manual"})
            function = functions.setdefault(name, self._function(name, hook))
            function["hooks"].append(self._described(hook))
        return {
            "rows": rows,
            "functions": list(functions.values()),
            "switches": [self._switch(hook["name"], hook["name"] in on) for hook in selected],
        }

    def _function(self, name, hook):
        group, argument = SHAPES[hook["data"]]
        kind = self.kinds[hook["kind"]]
        return {
            "name": name,
            "group": group,
            "argument": argument or kind["plural"],
            "item": "object_id" if group == "ids" else (argument or kind["plural"])[:-1],
            "kind": kind,
            "hooks": [],
        }

    def _described(self, hook):
        data = self.data["data"][hook["data"]]
        if hook["data"] == "objects":
            data = f"IRIS ``{self.kinds[hook['kind']]['model']}`` objects; what you change on them is saved"
        note = f" {hook['note']}" if hook.get("note") else ""
        return {"name": hook["name"], "phase": hook["phase"], "text": f"{PHASE_WORDS[hook['phase']]}: {data}.{note}"}

    def _switch(self, name, default=True):
        hook = self.hooks[name]
        kind = self.kinds[hook["kind"]]["label"]
        if hook["phase"] == "manual":
            human, description = f"Offer in the {kind} menu", f"Let analysts run the module on selected {kind}s."
        else:
            action = re.sub(rf"^on_(pre|post)load_({hook['kind']}_)?", "", hook["name"]).replace("_", " ")
            human = f"{kind[:1].upper()}{kind[1:]} {action} ({PHASE_WORDS[hook['phase']]})"
            description = f"Run the module on IRIS's {hook['name']} hook."
        return Setting(
            param_name=hook["name"],
            param_human_name=human,
            param_description=description,
            default=default,
            # Not mandatory: a switch always has a value, and IRIS marks each mandatory row for the admin.
            mandatory=False,
            type="bool",
            section=SWITCH_SECTION,
        )
