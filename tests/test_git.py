"""_init_git: the baked project starts as a repository with one commit, or says why not."""

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def bake(output, *answers):
    command = [
        sys.executable,
        "-m",
        "cookiecutter",
        "--no-input",
        "-o",
        str(output),
        str(ROOT),
        "keyword=gitty",
        *answers,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def git(folder, *args):
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)


def test_the_project_starts_with_one_commit_of_every_baked_file(tmp_path):
    said = bake(tmp_path, "_init_git=yes")
    folder = tmp_path / "iris-gitty-module"

    assert "Git repository created, with the baked files as the first commit." in said
    assert git(folder, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    assert git(folder, "status", "--porcelain").stdout == ""  # nothing baked was left out


def test_no_repository_when_declined(tmp_path):
    said = bake(tmp_path, "_init_git=no")

    assert not (tmp_path / "iris-gitty-module" / ".git").exists()
    assert "git repository" not in said.lower()


def test_no_nested_repository_inside_another(tmp_path):
    git(tmp_path, "init", "-q")

    said = bake(tmp_path, "_init_git=yes")

    assert f"No git repository created: the project is inside the git repository {tmp_path}" in said
    assert f"cd {tmp_path / 'iris-gitty-module'}" in said  # where it went, as a path that works anywhere
    assert not (tmp_path / "iris-gitty-module" / ".git").exists()


def test_inside_the_templates_own_checkout_the_project_is_named_as_such(tmp_path):
    template = tmp_path / "template"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(template)], check=True)

    command = [sys.executable, "-m", "cookiecutter", "--no-input", ".", "keyword=inside"]
    said = subprocess.run(command, cwd=template, capture_output=True, text=True, check=True).stdout

    assert f"the project is inside the template's own checkout {template}" in said
    assert f"cd {template / 'iris-inside-module'}" in said
