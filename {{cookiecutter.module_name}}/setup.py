# Metadata lives in pyproject.toml; this file keeps IRIS's documented
# `python setup.py bdist_wheel` working.
from setuptools import setup

setup()
