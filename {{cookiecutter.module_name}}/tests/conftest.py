{%- set helpers = preset(cookiecutter).helpers -%}
"""Fixtures: a fresh fake IRIS for each test, and the module class loaded as IRIS loads it."""

import importlib

import fake_iris
import pytest

PACKAGE = "{{ cookiecutter.__package_name }}"


@pytest.fixture
def package():
    return importlib.import_module(PACKAGE)


@pytest.fixture
def iris():
    return fake_iris.install()


@pytest.fixture
def module_class(iris):
    return fake_iris.load_like_iris(PACKAGE)


@pytest.fixture
def make_module(iris, module_class):
    """Store the module's settings in the fake IRIS and instantiate it: the defaults, a value in each
    mandatory setting that has none (as an admin fills them in before enabling it), then ``settings``."""

    def make(**settings):
        iris.configure(module_class, **{**fake_iris.filled_mandatory(module_class), **settings})
        return module_class()

    return make
{%- if "PACKAGE/request_slots.py" in preset(cookiecutter).files %}


@pytest.fixture(autouse=True)
def request_slots(tmp_path, monkeypatch):
    """Each test's own request slots (request_slots.py), as a fresh IRIS database would hold them."""
    monkeypatch.setenv("DIM_REQUEST_SLOTS", str(tmp_path / "request-slots.sqlite3"))
{%- endif %}
