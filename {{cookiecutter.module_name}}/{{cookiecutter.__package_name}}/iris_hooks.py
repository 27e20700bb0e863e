"""{{ iris().name }}'s hooks as the module needs them at run time: each hook's kind, phase and data shape.

The same facts as ``tests/iris_hooks.json`` (derived from IRIS's source), which tests read but
the installed package does not carry; tests/test_hooks.py checks that the two agree. The glue
puts a hook's facts on the handler's context (``context.kind``, ``context.phase``,
``context.shape``), so a handler serving several hooks need not parse their names.
"""

from typing import NamedTuple


class HookFacts(NamedTuple):
    kind: str  # the object the hook is about: "ioc", "case", "alert", "global_task", "report"...
    phase: str  # "preload", "postload" or "manual": see PHASES
    shape: str  # what the data list holds: see SHAPES


PHASES = {
{%- for phase, meaning in iris_hooks().data["phases"].items() %}
    {{ phase | python_literal }}: {{ meaning | python_literal }},
{%- endfor %}
}

SHAPES = {
{%- for shape, meaning in iris_hooks().data["data"].items() %}
    {{ shape | python_literal }}: {{ meaning | python_literal }},
{%- endfor %}
}

HOOKS = {
{%- for hook in iris_hooks().data["hooks"] %}
    {{ hook.name | python_literal }}: HookFacts({{ hook.kind | python_literal }}, {{ hook.phase | python_literal }}, {{ hook.data | python_literal }}),
{%- endfor %}
}


def facts(hook_name):
    """The hook's kind, phase and shape as a dict (empty for a name IRIS does not have), for the context."""
    found = HOOKS.get(hook_name)
    return found._asdict() if found else {}
