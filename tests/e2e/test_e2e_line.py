"""Which IRIS line the e2e suite runs for a checkout (iris_line.py): no IRIS needed."""

import pytest

from .iris_line import iris_line


def checkout(folder, python):
    """An iris-web checkout as far as iris_line reads it: its web image's Dockerfile."""
    dockerfile = folder / "docker" / "webApp" / "Dockerfile"
    dockerfile.parent.mkdir(parents=True)
    dockerfile.write_text(f"FROM node:20-alpine AS compile-js-image\nFROM python:{python} AS compile-image\n")
    return folder


@pytest.mark.parametrize(("python", "line"), [("3.9", "2.4"), ("3.12", "develop")])
def test_the_line_is_the_one_whose_python_the_checkouts_images_run(tmp_path, monkeypatch, python, line):
    monkeypatch.delenv("IRIS_LINE", raising=False)
    assert iris_line(checkout(tmp_path, python)).iris_version == line


def test_iris_line_names_the_line_whatever_the_checkout_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("IRIS_LINE", "develop")
    assert iris_line(checkout(tmp_path, "3.9")).iris_version == "develop"


def test_a_checkout_of_no_known_line_is_refused_with_the_variable_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("IRIS_LINE", raising=False)
    with pytest.raises(pytest.UsageError, match="runs Python 3.11 .*set IRIS_LINE"):
        iris_line(checkout(tmp_path, "3.11"))


def test_an_unknown_iris_line_is_refused_with_the_lines_there_are(monkeypatch):
    monkeypatch.setenv("IRIS_LINE", "2.3")
    with pytest.raises(pytest.UsageError, match="IRIS_LINE='2.3' is not an IRIS line: use one of 2.4, develop"):
        iris_line(None)
