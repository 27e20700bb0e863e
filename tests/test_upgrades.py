"""The answers are recorded in the baked project, and baking again from them gives the same tree."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, code_variants, variant_id
from cookiecutter.main import cookiecutter


def tree(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


@pytest.mark.parametrize("variant", code_variants(), ids=variant_id)
def test_baking_again_from_the_recorded_answers_gives_the_same_tree(tmp_path, variant):
    answers = dict(
        variant,
        keyword="again",
        settings="Extra/site_secret:sensitive_string!",
        _organization="CERT",
        _module_description='It\'s "quoted" \\ — ünïcode',
        _init_git=False,
    )
    first = tmp_path / "first"
    cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(first))
    recorded = json.loads((first / "iris-again-module" / ".cruft.json").read_text("utf-8"))
    replay = tmp_path / "answers.json"
    replay.write_text(json.dumps(recorded["context"]), encoding="utf-8")

    again = tmp_path / "again"
    cookiecutter(recorded["template"], replay=str(replay), output_dir=str(again))

    assert tree(again / "iris-again-module") == tree(first / "iris-again-module")
    assert recorded["template"] == str(ROOT)
    assert recorded["context"]["cookiecutter"]["_module_description"] == answers["_module_description"]


def bake_from_a_clone(tmp_path, *answers):
    """A project baked from a clone of this checkout, so that the recorded commit holds exactly what was baked."""
    template = tmp_path / "template"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(template)], check=True)
    # In a process of its own, away from this checkout: cookiecutter imports the template's
    # extension by name, first from the working folder, and this process may hold the checkout's.
    bake = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path), str(template), *answers]
    subprocess.run(bake, check=True, capture_output=True, cwd=tmp_path)
    return template


def cruft(project, *args):
    # The private answers (_hooks, _license...) reach cruft's bakes through cookiecutter's config.
    env = dict(os.environ, COOKIECUTTER_CONFIG=".cruft.json")
    return subprocess.run([sys.executable, "-m", "cruft", *args], cwd=project, capture_output=True, text=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="cruft needs git")
def test_cruft_finds_a_fresh_bake_up_to_date_and_without_differences(tmp_path):
    bake_from_a_clone(tmp_path, "keyword=cruft", "_hooks=case", "_license=MIT", "_init_git=no")
    project = tmp_path / "iris-cruft-module"

    check = cruft(project, "check")
    diff = cruft(project, "diff", "--exit-code")
    without_config = subprocess.run(
        [sys.executable, "-m", "cruft", "diff", "--exit-code"], cwd=project, capture_output=True, text=True
    )

    assert check.returncode == 0, check.stdout + check.stderr
    assert diff.returncode == 0, diff.stdout
    # What the README's upgrade section warns of: cruft alone gives its bakes no private answer.
    assert without_config.returncode != 0 and "on_postload_case_create" in without_config.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="cruft needs git")
def test_cruft_update_takes_a_template_change_quietly_and_keeps_the_private_answers(tmp_path):
    template = bake_from_a_clone(tmp_path, "keyword=updated", "_hooks=case", "_license=MIT")
    project = tmp_path / "iris-updated-module"
    readme = template / "{{cookiecutter.module_name}}" / "README.md"
    readme.write_text(
        readme.read_text("utf-8").replace("## Develop\n", "## Develop\n\nA fix of the template.\n"), "utf-8"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "commit", "-qam", "A fix"], cwd=template, check=True)

    update = cruft(project, "update", "-y")

    assert update.returncode == 0, update.stdout + update.stderr
    assert "Created" not in update.stdout  # cruft's two bakes into temporary folders print no banner
    assert "A fix of the template." in (project / "README.md").read_text("utf-8")
    assert "on_postload_case_create" in (project / "README.md").read_text("utf-8")  # _hooks=case kept
    assert "MIT License" in (project / "LICENSE").read_text("utf-8")


def test_the_readmes_rebake_command_works_as_printed(tmp_path):
    bake_from_a_clone(tmp_path, "keyword=rebake", "_hooks=asset", "_init_git=no")
    project = tmp_path / "iris-rebake-module"
    readme = (project / "README.md").read_text("utf-8")
    script = re.search(r"To bake the project again.*?```sh\n(.*?)```", readme, re.DOTALL).group(1)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=project, capture_output=True, text=True, env=env
    )

    assert done.returncode == 0, done.stdout + done.stderr  # diff -ru: the same tree


@pytest.mark.skipif(shutil.which("git") is None, reason="cruft needs git")
def test_a_project_cruft_creates_starts_clean_and_takes_the_next_commit_without_a_conflict(tmp_path):
    template = tmp_path / "template"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(template)], check=True)
    create = [sys.executable, "-m", "cruft", "create", "-y", "--extra-context", '{"keyword": "created"}', str(template)]
    # In a process of its own, away from this checkout (see bake_from_a_clone).
    created = subprocess.run(create, cwd=tmp_path, capture_output=True, text=True)
    project = tmp_path / "iris-created-module"
    assert created.returncode == 0, created.stdout + created.stderr

    def status():
        return subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout

    # cruft writes .cruft.json after the bake's first commit: the same bytes, so nothing to commit.
    assert status() == ""
    readme = template / "{{cookiecutter.module_name}}" / "README.md"
    readme.write_text(
        readme.read_text("utf-8").replace("## Develop\n", "## Develop\n\nA fix of the template.\n"), "utf-8"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "commit", "-qam", "A fix"], cwd=template, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=template, capture_output=True, text=True).stdout.strip()

    update = cruft(project, "update", "-y")

    assert update.returncode == 0, update.stdout + update.stderr
    assert sorted(status().splitlines()) == [" M .cruft.json", "M  README.md"]  # no conflict, no .rej
    assert "A fix of the template." in (project / "README.md").read_text("utf-8")
    record = (project / ".cruft.json").read_text("utf-8")
    assert json.loads(record)["commit"] == head and "<<<<<<<" not in record
    assert cruft(project, "diff", "--exit-code").returncode == 0
