{%- from "presets/blank/helpers_note.jinja" import helper_lines with context -%}

"""What the module does with the data IRIS hands it. Your logic goes here.

Plain functions, importable without IRIS: each takes the list a hook carries and a Context
(``settings``, ``server_settings``, ``log``, ``hook``: the hook's name) and returns the
list, changed or not. Which hook calls which function is the hook table in the module class.

Raise when something goes wrong: inside ``with context.isolate(...)`` the failure is
reported for that one item and the loop goes on; elsewhere it fails the whole call. Either
way IRIS shows it in DIM tasks, and IRIS saves what was already changed on the objects
(nothing is rolled back): change an object last, once what can fail is done.{{ helper_lines() }}
"""

from .context import Context
{%- for function in hook_plan(cookiecutter).functions %}


def {{ function.name }}({{ function.argument }}: list, context: Context) -> list:
    """{% if function.group == "objects" %}Act on {{ function.kind.label }}s{% elif function.group == "requests" %}Check or complete {{ function.kind.label }}s before IRIS saves them{% elif function.group == "ids" %}Follow up on {{ function.kind.label }}s by id{% elif function.group == "comments" %}Act on comments on {{ function.kind.label }}s{% else %}Act on generated reports{% endif %}.

    ``{{ function.argument }}`` holds, per hook:
{%- for hook in function.hooks %}
    - ``{{ hook.name }}``, {{ hook.text }}
{%- endfor %}
    """
    for {{ function.item }} in {{ function.argument }}:
{%- if function.group == "objects" %}
        label = f"{{ function.kind.label }} {{ '{' }}{{ function.item }}.{{ function.kind.title }}!r}"
{%- else %}
        label = f"{{ function.kind.label }} {{ '{' }}{{ function.item }}!r}"
{%- endif %}
        with context.isolate(label):  # if this one fails, report it and go on with the next
            context.log.info(f"{context.hook}: {label}")
            # TODO: {% if function.group == "requests" %}check or change the fields; what you return replaces the request's data.{% elif function.group == "objects" %}act on the {{ function.kind.label }}, e.g. query your service and update its fields.{% else %}act on it, e.g. tell your service.{% endif %}
    return {{ function.argument }}
{%- endfor %}
