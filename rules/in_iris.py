"""The baked README's "What it does in IRIS": the module as its users meet it, written from data.

For the analysts and admins who use the module rather than develop it: when it runs (the hook
plan, or the pipeline's dialog), what they see where and what they type or upload (the preset's
``in_iris`` in its preset.json), what each setting changes (every setting's own human name and
description) and what the module never does. What lives in data is read from it: a setting
renamed, a hook added or a tag changed changes this part too, and the template's tests check that
each tag and tab it names is one the baked code writes.

A preset's ``in_iris`` holds lists of sentences, ``sees``, ``gives`` and ``never``, in which
``{keyword}`` is the keyword answer, ``{menu}`` the manual hooks' menu entry, ``{setting[name]}``
that setting's human name in bold and ``{default[name]}`` its default.
"""

from . import answers, presets

HEADING = "## What it does in IRIS"
TITLES = {
    "sees": "**What you see, where.**",
    "gives": "**What you type or upload.**",
    "never": "**What it never does.**",
}
assert set(TITLES) == set(presets.IN_IRIS_PARTS)


def section(context):
    """The Markdown of the part, for the answers ``context``."""
    preset = presets.of(context)
    settings = answers.module_settings(context)
    values = {
        "keyword": context["keyword"],
        "menu": f'"Run {answers.human_name(context)}"',
        "setting": {entry["param_name"]: f"**{entry['param_human_name']}**" for entry in settings},
        "default": {entry["param_name"]: entry["default"] for entry in settings},
    }
    lines = [HEADING, "", f"For the analysts and admins who use it (the {preset.name} preset: {preset.summary}).", ""]
    lines += _when(context)
    for key, title in TITLES.items():
        sentences = preset.in_iris.get(key, [])
        if sentences:
            lines += ["", title, ""] + [f"- {sentence.format_map(values)}" for sentence in sentences]
    # The hooks' switches are "When it runs" above.
    shown = [entry for entry in settings if entry.get("section") != "Hooks"]
    lines += ["", "**What each setting changes** (Manage › Advanced › Modules, the module's settings):", ""]
    lines += [
        f"- **{entry['param_human_name']}** (`{entry['param_name']}`): {entry['param_description']}" for entry in shown
    ]
    return "\n".join(lines)


def _when(context):
    """When the module runs: each hook it answers, as its switch is named in the settings; or the pipeline's dialog."""
    if context["module_type"] != "processor":
        return [
            "**When it runs.** When an analyst uploads files in a case's \"Update case\" dialog, picks this module's",
            "pipeline, fills in its arguments and runs it: in IRIS's worker, each file on its own; the result is in",
            "DIM Tasks.",
        ]
    lines = ["**When it runs** (each is a switch of its own in the module's settings, under Hooks):", ""]
    for switch in answers.module_settings(context):
        if switch.get("section") != "Hooks":
            continue
        if switch["param_human_name"].startswith("Offer in the "):
            where = switch["param_human_name"].removeprefix("Offer in the ").removesuffix(" menu")
            entry = f'"Run {answers.human_name(context)}"'
            lines.append(
                f"- from the {where} menu, {entry}, on the {where}s an analyst picks (`{switch['param_name']}`)"
            )
        else:
            lines.append(f"- {switch['param_human_name']} (`{switch['param_name']}`)")
    lines += ["", "What it did is in DIM Tasks: each call's status names every object that failed, and why."]
    return lines
