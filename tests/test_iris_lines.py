"""Each IRIS line bakes a fake IRIS shaped like that line, from the line's data (templates/iris/<release>/)."""

import json
import subprocess
import sys

import pytest
from conftest import LINES, rules

# What the baked fake says of itself, read through its own module as the baked tests use it.
PROBE = """
import json, sys
sys.path[:0] = ["tests", "."]
import fake_iris
fake_iris.install()
try:
    from app.models import Ioc  # noqa: F401
    old_import = True
except ImportError:
    old_import = False
import importlib
models = importlib.import_module(sys.argv[1])
print(json.dumps({
    "ioc_case_id": hasattr(fake_iris.ioc(), "case_id"),
    "old_import": old_import,
    "models_ioc": hasattr(models, "Ioc"),
    "ioc_links": hasattr(fake_iris.host, "ioc_links"),
    "comment_is_dict": isinstance(fake_iris.hook_data("on_postload_ioc_comment_update")[0], dict),
    "catalogue": fake_iris.CATALOGUE["iris_version"],
}))
"""


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_the_fake_iris_is_shaped_like_the_line_it_is_baked_for(bake, target):
    folder = bake(keyword="shaped", iris_version=target.iris_version)

    done = subprocess.run(
        [sys.executable, "-c", PROBE, target.models_module], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    shape = json.loads(done.stdout)

    assert shape["ioc_case_id"] == target.iocs_belong_to_one_case
    assert shape["models_ioc"]  # where the line's models are imported from
    assert shape["old_import"] == (target.models_module == "app.models")
    assert shape["ioc_links"] == (not target.iocs_belong_to_one_case)
    assert shape["comment_is_dict"] == (not target.comments_as_objects)
    assert shape["catalogue"] == rules.hook_selection.catalogue(target).iris_version


def test_the_lines_differ_where_iris_does():
    old, new = LINES["2.4"], LINES["develop"]

    assert (old.python, new.python) == ("3.9", "3.12")
    assert (old.iocs_belong_to_one_case, new.iocs_belong_to_one_case) == (False, True)
    assert (rules.pins.pinned(old, "celery"), rules.pins.pinned(new, "celery")) == ("5.2.7", "5.4.0")


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_a_project_says_its_lines_python_in_its_packaging_lint_and_ci(bake, target):
    folder = bake(keyword="lined", iris_version=target.iris_version)

    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    workflow = (folder / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    guide = (folder / "AGENTS.md").read_text(encoding="utf-8")

    assert f'requires-python = ">={target.python}"' in pyproject
    assert f'target-version = "{target.ruff_target}"' in pyproject
    assert f"python-version: {json.dumps(target.ci_python_versions)}" in workflow
    assert target.guide_python in guide


def test_every_line_says_the_same_things_about_itself():
    # The templates read these fields on any line: one missing would break only that line's bakes.
    fields = {name: set(json.loads((target.folder / "line.json").read_text("utf-8"))) for name, target in LINES.items()}
    assert all(keys == next(iter(fields.values())) for keys in fields.values()), fields
    assert [target.iris_version for target in LINES.values()] == list(LINES)
