"""The class IRIS loads: metadata from config.py, the work in handler.py."""

from . import config, handler
{%- if cookiecutter.module_type == "processor" %}
from .processor import Hook, ProcessorModule


class {{ cookiecutter.__class_name }}(ProcessorModule):
    _module_name = config.MODULE_NAME
    _module_description = config.MODULE_DESCRIPTION
    _module_version = config.MODULE_VERSION
    _module_configuration = config.CONFIGURATION
    secret_fields = config.SECRET_FIELDS

    # The hook table: one row per IRIS hook the module answers (the catalogue of IRIS's
    # hooks and what each one carries is tests/iris_hooks.json). Each hook is switched by
    # the bool setting of the same name in config.py; a manual hook also needs a menu label.
{%- set rows = hook_plan(cookiecutter).rows %}
{%- macro hook_row(row) %}Hook({{ row.name | python_literal }}, handler.{{ row.function }}{% if row.manual %}, menu_label=config.MENU_LABEL{% endif %}){% endmacro %}
{%- if rows | length == 1 %}
    hooks = ({{ hook_row(rows[0]) }},)
{%- else %}
    hooks = (
{%- for row in rows %}
        {{ hook_row(row) }},
{%- endfor %}
    )
{%- endif %}
{%- else %}
from .pipeline import PipelineModule


class {{ cookiecutter.__class_name }}(PipelineModule):
    _module_name = config.MODULE_NAME
    _module_description = config.MODULE_DESCRIPTION
    _module_version = config.MODULE_VERSION
    _module_configuration = config.CONFIGURATION
    secret_fields = config.SECRET_FIELDS
    _pipeline_info = config.PIPELINE_INFO

    process_file = staticmethod(handler.process_file)
    accepted_suffixes = handler.ACCEPTED_SUFFIXES
{%- endif %}
