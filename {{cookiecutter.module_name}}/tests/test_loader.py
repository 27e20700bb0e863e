"""IRIS loads the module, finds its class and accepts it in its health check."""

import importlib
import subprocess
import sys
from pathlib import Path

import fake_iris


def test_iris_loads_and_accepts_the_module(make_module, module_class):
    module = make_module()

    assert type(module) is module_class
    assert fake_iris.health_problems(module) == []


def test_module_reports_its_metadata(make_module, package):
    module = make_module()
    config = importlib.import_module(f"{package.__name__}.config")

    assert module.get_module_name() == config.MODULE_NAME
    assert module.get_module_description() == config.MODULE_DESCRIPTION
    assert module.get_module_version() == package.__version__


def test_the_package_imports_without_iris(package):
    # IRIS imports the package by name before anything else, and your own scripts may
    # import config, handler and the Context it is typed with: none of them may need IRIS.
    name = package.__name__
    code = (
        f"import {name}, {name}.config, {name}.handler, {name}.context, sys;"
        " assert not {'app', 'iris_interface'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(package.__file__).parent.parent)
