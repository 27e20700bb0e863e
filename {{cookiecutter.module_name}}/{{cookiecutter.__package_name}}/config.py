"""What IRIS shows about the module, and the settings an admin fills in under Manage > Advanced > Modules.

Each setting is an IRIS configuration entry. ``type`` is one of bool, int, string,
sensitive_string, textfield_html, textfield_json, textfield_markdown; IRIS switches off a
module whose ``mandatory`` setting has no value. Code reads a setting as an attribute,
``context.settings.<param_name>``. IRIS does not add settings to a module that is already
installed: after adding one here, remove and re-add the module in IRIS.
"""

from . import __version__

# IRIS stores the module's settings under this name: renaming it orphans them.
MODULE_NAME = {{ human_name(cookiecutter) | python_literal }}
MODULE_DESCRIPTION = {{ cookiecutter.__module_description | python_literal }}
MODULE_VERSION = __version__
{%- if cookiecutter.module_type == "processor" %}

# The entry in the object menus for manual hooks. IRIS lists every module's entries side
# by side, so it names the module.
MENU_LABEL = f"Run {MODULE_NAME}"
{%- else %}

PIPELINE_INFO = {
    # IRIS lists the pipeline as "<package>-<internal name>": keep the name unique.
    "pipeline_internal_name": "{{ cookiecutter.keyword }}_pipeline",
    "pipeline_human_name": f"{MODULE_NAME} pipeline",
    # Text boxes shown to the user when they run the pipeline; IRIS refuses to start
    # while a required one is empty.
    "pipeline_args": [
{%- for name, need in pipeline_args(cookiecutter) %}
        [{{ name | python_literal }}, {{ need | python_literal }}],
{%- endfor %}
    ],
    "pipeline_update_support": True,
    "pipeline_import_support": True,
}
{%- endif %}

# Secrets inside textfield_json settings, masked like a sensitive_string's value in statuses, logs and
# problems: setting name -> the keys whose values, at any depth of its JSON, are secret. E.g. several
# instances, [{"url": "...", "key": "..."}], in a setting "instances": {"instances": ("key",)}; a URL there
# (a webhook's, "url") is masked with its parts: query values, userinfo, a token in its path.
SECRET_FIELDS = {}

{% if cookiecutter.module_type == "processor" -%}
# A bool setting per hook, named after it: the hook is registered only while it is on.
{% endif -%}
CONFIGURATION = [
{%- for setting in module_settings(cookiecutter) %}
{%- if setting.param_name in undescribed_settings(cookiecutter) %}
    # TODO: say what {{ setting.param_name }} is for in param_description: IRIS shows it to the admin.
{%- endif %}
    {
{%- for key, value in setting.items() %}
        {{ key | python_literal }}: {{ value | python_literal }},
{%- endfor %}
    },
{%- endfor %}
]
