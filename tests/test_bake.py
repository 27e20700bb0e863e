"""Every variant bakes into a clean project: it compiles, is ruff-clean, and has no template debris."""

import ast
import fnmatch
import json
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import CHOICES, CONTEXT, ROOT, RUFF, answer_matrix, assert_runs_clean, rules, variant_id

MATRIX = answer_matrix()
# GitHub Actions expressions (${{ }}) are meant to be there; Jinja syntax is not.
DEBRIS = re.compile(r"(?<!\$)\{\{|\{%|\{#|\\\{")
# The report template, and the test that renders templates: Jinja of the module's own.
OWN_JINJA = {"report.html", "test_report.py"}
PRESETS = rules.presets.PRESETS


def test_the_files_without_jinja_are_copied_as_they_are_and_only_those():
    """A file without Jinja costs a compile for nothing at each first bake; one with Jinja must be rendered."""
    project = rules.template.PROJECT_DIR
    jinja = re.compile(r"\{\{|\{%|\{#")
    own_jinja = {"report.html"}  # the module's own template, copied as it is
    for path in project.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(project).as_posix()
            copied = any(fnmatch.fnmatch(relative, pattern) for pattern in CONTEXT["_copy_without_render"])
            plain = path.name in own_jinja or not jinja.search(path.read_text(encoding="utf-8"))
            assert copied is plain, (
                f"{relative}: {'copied though it has Jinja' if copied else 'without Jinja, compiled'}"
            )


def test_the_matrix_covers_every_choice():
    for name, values in CHOICES.items():
        assert {row[name] for row in MATRIX} == set(values), name


@pytest.fixture(params=MATRIX, ids=variant_id)
def project(request, bake):
    return request.param, bake(**request.param)


def test_ruff_finds_nothing(project):
    _, folder = project
    assert_runs_clean(folder, *RUFF)


def test_no_template_debris_in_any_file(project):
    _, folder = project
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "LICENSE" and path.name not in OWN_JINJA:
            assert not DEBRIS.search(path.read_text(encoding="utf-8")), path


def test_todo_marks_only_where_the_user_logic_goes(project):
    answers, folder = project
    marked = sorted(path.name for path in folder.rglob("*") if path.is_file() and "# TODO" in path.read_text("utf-8"))
    # The handler and its test, and where a preset has a service: its client and its fake, where a port starts.
    assert {"handler.py", "test_handler.py"} <= set(marked)
    assert all(name in ("handler.py", "test_handler.py", "client.py") or name.startswith("fake_") for name in marked)


def test_only_the_files_of_the_chosen_type_are_left(project):
    answers, folder = project
    package = folder / folder.name.replace("-", "_")
    other = "pipeline" if answers["module_type"] == "processor" else "processor"
    assert (package / f"{answers['module_type']}.py").exists()
    assert not (package / f"{other}.py").exists()
    assert all(part for path in folder.rglob("*") for part in path.relative_to(folder).parts)
    # A preset's file the chosen preset does not use renders empty: it must be gone.
    assert [path.name for path in folder.rglob("*") if path.is_file() and path.stat().st_size == 0] == []


def test_the_object_and_report_helpers_are_baked_where_the_handler_uses_them_and_jinja2_with_the_report(project):
    _, folder = project
    package = folder / folder.name.replace("-", "_")
    handler = (package / "handler.py").read_text(encoding="utf-8")
    for helper in ("iris_objects", "report"):
        used = re.search(rf"^from \.(?: import [\w, ]*\b{helper}\b|{helper} import )", handler, re.MULTILINE)
        assert (package / f"{helper}.py").exists() == bool(used), helper
    importers = {path.name for path in package.rglob("*.py") if "jinja2" in path.read_text(encoding="utf-8")}
    declared = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert importers == ({"report.py"} if (package / "report.py").exists() else set())
    assert any(requirement.startswith("jinja2") for requirement in declared) == bool(importers)


def configuration(folder):
    """config.CONFIGURATION of a baked project, read from its source."""
    config = ast.parse((folder / folder.name.replace("-", "_") / "config.py").read_text(encoding="utf-8"))
    (value,) = [
        node.value for node in config.body if isinstance(node, ast.Assign) and node.targets[0].id == "CONFIGURATION"
    ]
    return ast.literal_eval(value)


# Every setting some bake has: the presets', the pipelines' and the hooks' switches.
ANY_SETTING = {setting.param_name for preset in PRESETS.values() for setting in preset.settings}
DEFAULT_LINE_HOOKS = rules.hook_selection.catalogue(rules.lines.default())
ANY_SETTING |= {*rules.presets.TYPE_SETTINGS["pipeline"], *DEFAULT_LINE_HOOKS.hooks}
ANY_SECTION = {setting.section for preset in PRESETS.values() for setting in preset.settings}


def test_the_guide_names_only_files_and_settings_the_project_has_and_every_handler_function(project):
    answers, folder = project
    guide = (folder / "AGENTS.md").read_text(encoding="utf-8")
    entries = configuration(folder)
    names = {entry["param_name"] for entry in entries}
    sections = {entry.get("section") for entry in entries}

    files = set(re.findall(r"`([^`\s]+\.(?:py|json|html|md|txt|toml|yml))`", guide))
    assert files, "the guide names no file"
    for name in files:
        found = (folder / name).exists() if "/" in name else any(folder.rglob(name))
        assert found, f"AGENTS.md names {name}, which is not there"
    for name in set(re.findall(r"`(?:context\.settings\.)?(\w+)`", guide)) & ANY_SETTING:
        assert name in names, f"AGENTS.md names the setting {name}, which the project does not have"
    for section in set(re.findall(r"the (\w+) settings", guide)) & ANY_SECTION:
        assert section in sections, f"AGENTS.md names the {section} settings, which the project does not have"
    if answers["module_type"] == "processor":
        default_hooks = PRESETS[answers["preset"]].hooks  # the matrix keeps the preset's hooks
        for function in rules.hook_selection.catalogue(rules.lines.of(answers)).plan(default_hooks)["functions"]:
            assert f"`{function['name']}`" in guide


def test_the_ci_workflow_keeps_its_github_expressions(project):
    _, folder = project
    workflow = (folder / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "python-version: ${{ matrix.python-version }}" in workflow


def test_the_licence_is_the_chosen_one(project):
    answers, folder = project
    text = (folder / "LICENSE").read_text(encoding="utf-8")
    first_words = {
        "MIT": "MIT License",
        "Apache-2.0": "Apache License",
        "GPL-3.0-or-later": "GNU GENERAL PUBLIC LICENSE",
        "LGPL-3.0-or-later": "GNU LESSER GENERAL PUBLIC LICENSE",
        "Proprietary": "All rights reserved",
    }
    assert first_words[answers["_license"]] in text
    if answers["_license"] == "LGPL-3.0-or-later":  # the LGPL is a set of permissions on top of the GPL
        assert "GNU GENERAL PUBLIC LICENSE" in text


def test_hostile_free_text_is_kept_exactly(bake):
    text = 'It\'s "quoted" \\ and — ünïcode ‏RTL 😀\\'
    folder = bake(_module_description=text, author=text, _module_human_name=text, keyword="hostile")

    config = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, iris_hostile_module.config as c; print(json.dumps([c.MODULE_NAME, c.MODULE_DESCRIPTION]))",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(config.stdout) == [text, text]
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    metadata = tomllib.loads(pyproject)["project"]
    assert metadata["description"] == text
    assert metadata["authors"][0]["name"] == text


def test_typed_answers_with_jinja_braces_are_kept_exactly(tmp_path):
    # Typed answers are not rendered by cookiecutter (unlike --no-input values), so braces survive.
    text = "It's {{ braced }} {% raw %} — ok"
    prompts = [name for name in CONTEXT if not name.startswith("_")]
    answers = {name: "" for name in prompts} | {"keyword": "braces", "author": text}
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "-o", str(tmp_path), str(ROOT)],
        input="\n".join(answers.values()) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    pyproject = (tmp_path / "iris-braces-module" / "pyproject.toml").read_text(encoding="utf-8")
    assert tomllib.loads(pyproject)["project"]["authors"][0]["name"] == text


def test_the_next_steps_name_the_project_by_its_path_and_count_the_todo_markers(tmp_path):
    output = tmp_path / "build"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            "build",
            str(ROOT),
            "keyword=nextsteps",
            "preset=ioc-enrichment",
            "_init_git=no",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    folder = output / "iris-nextsteps-module"
    grep = ["grep", "-rnE", "# TODO|TODO:", "iris_nextsteps_module", "tests"]
    markers = subprocess.run(grep, cwd=folder, capture_output=True, text=True, check=True).stdout.splitlines()

    assert f"cd {folder}\n" in done.stdout  # -o build: the real path, not the folder name alone
    assert "Add module > iris_nextsteps_module" in done.stdout
    assert f"grep -rnE '# TODO|TODO:' iris_nextsteps_module tests    # {len(markers)} places" in done.stdout
    assert "already has these" not in done.stdout  # the settings hint is for a person at the prompts
