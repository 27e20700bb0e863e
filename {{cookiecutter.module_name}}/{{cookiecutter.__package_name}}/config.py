"""What IRIS shows about the module, and the settings an admin fills in under Manage > Modules.

Each setting is an IRIS configuration entry. ``type`` is one of bool, int, string,
sensitive_string, textfield_html, textfield_json, textfield_markdown; IRIS switches off a
module whose ``mandatory`` setting has no value. IRIS does not add settings to a module
that is already installed: after adding one here, remove and re-add the module in IRIS.
"""

from . import __version__

# IRIS stores the module's settings under this name: renaming it orphans them.
MODULE_NAME = {{ cookiecutter.module_human_name | python_literal }}
MODULE_DESCRIPTION = {{ cookiecutter.module_description | python_literal }}
MODULE_VERSION = __version__
{%- if cookiecutter.module_type == "processor" %}

# Unique to this module: IRIS menus list every module's manual hooks side by side.
MENU_LABEL = f"{MODULE_NAME}: process IOC"

CONFIGURATION = [
    {
        "param_name": "on_ioc_create",
        "param_human_name": "Run on new IOCs",
        "param_description": "Process each IOC when it is added to a case.",
        "default": True,
        "mandatory": True,
        "type": "bool",
        "section": "Triggers",
    },
    {
        "param_name": "on_manual_ioc",
        "param_human_name": "Offer in the IOC menu",
        "param_description": "Let analysts run the module on selected IOCs.",
        "default": True,
        "mandatory": True,
        "type": "bool",
        "section": "Triggers",
    },
]
{%- else %}

PIPELINE_INFO = {
    # IRIS lists the pipeline as "<package>-<internal name>": keep the name unique.
    "pipeline_internal_name": "{{ cookiecutter.keyword }}_pipeline",
    "pipeline_human_name": f"{MODULE_NAME} pipeline",
    # Text boxes shown to the user when they run the pipeline; IRIS refuses to start
    # while a required one is empty.
    "pipeline_args": [
        ["hostname", "optional"],
    ],
    "pipeline_update_support": True,
    "pipeline_import_support": True,
}

CONFIGURATION = [
    {
        "param_name": "move_processed",
        "param_human_name": "Move processed files aside",
        "param_description": "Move each processed file into processed/ so the next run skips it.",
        "default": True,
        "mandatory": True,
        "type": "bool",
    },
]
{%- endif %}
