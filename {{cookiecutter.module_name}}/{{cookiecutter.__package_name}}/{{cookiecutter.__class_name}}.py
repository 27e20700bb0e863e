"""The class IRIS loads: metadata from config.py, the work in handler.py."""

from . import config, handler
{%- if cookiecutter.module_type == "processor" %}
from .processor import Hook, ProcessorModule


class {{ cookiecutter.__class_name }}(ProcessorModule):
    _module_name = config.MODULE_NAME
    _module_description = config.MODULE_DESCRIPTION
    _module_version = config.MODULE_VERSION
    _module_configuration = config.CONFIGURATION

    # The hook table: one row per IRIS hook the module answers. A toggle is a bool
    # setting in config.py; a manual hook also needs a menu label.
    hooks = (
        Hook("on_postload_ioc_create", handler.handle_iocs, toggle="on_ioc_create"),
        Hook("on_manual_trigger_ioc", handler.handle_iocs, toggle="on_manual_ioc", menu_label=config.MENU_LABEL),
    )
{%- else %}
from .pipeline import PipelineModule


class {{ cookiecutter.__class_name }}(PipelineModule):
    _module_name = config.MODULE_NAME
    _module_description = config.MODULE_DESCRIPTION
    _module_version = config.MODULE_VERSION
    _module_configuration = config.CONFIGURATION
    _pipeline_info = config.PIPELINE_INFO

    process_file = staticmethod(handler.process_file)
{%- endif %}
