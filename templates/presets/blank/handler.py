{%- set helpers = preset(cookiecutter).helpers -%}
{%- macro helper_lines() -%}
{%- if helpers %}

The helpers the bake added, beside this file (AGENTS.md says more):
{%- if "http" in helpers %}
- ``http_session.new_session(context.settings, context.server_settings, log=context.log)``:
  a requests session under the Connection settings (timeouts, retries, TLS, a requests-a-minute
  limit shared by IRIS's workers, the call's time budget).
{%- endif %}
{%- if "iris_objects" in helpers %}
- ``iris_objects``: tabs, tags and note lines written on IRIS objects, replacing your last ones.
{%- endif %}
{%- if "report" in helpers %}
- ``report.render_report(...)``: an escaped HTML report, for the ``report_tab`` setting's tab.
{%- endif %}
{%- endif %}
{%- endmacro -%}
{%- if cookiecutter.module_type == "processor" -%}
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
{%- else -%}
"""What the module does with each uploaded evidence file. Your logic goes here.

A plain function, importable without IRIS. It gets the file's path and a Context
(``settings``, ``server_settings``, ``log``, and ``args``: the pipeline arguments the user
typed) and returns a one-line summary for the task log. Raise when the file cannot be
processed: it is reported as failed, moved into rejected/, and the other files go on.{{ helper_lines() }}
"""

from pathlib import Path

from .context import Context

# The file kinds process_file reads, e.g. (".evtx",): other uploads are refused at once. Empty takes any file.
ACCEPTED_SUFFIXES = ()


def process_file(path: Path, context: Context) -> str:
    """Process one evidence file (a ``pathlib.Path`` inside the case's upload folder)."""
    records = 0
    with path.open("rb") as evidence:
        for _record in evidence:  # read as a stream: evidence files can outgrow memory
            records += 1
            # TODO: parse the record and send it where it belongs (a SIEM index, the case, ...).
    return f"{records} record(s) read"
{%- endif %}
