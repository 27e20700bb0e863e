"""IRIS module package. IRIS imports it by name and loads the class named below."""

__iris_module_interface = "{{ cookiecutter.__class_name }}"
__version__ = "{{ cookiecutter._module_version }}"
