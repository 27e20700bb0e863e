"""The answers are recorded in the baked project, and baking again from them gives the same tree."""

import json
import shutil
import subprocess
import sys

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
    answers = dict(variant, keyword="again", settings="Extra/site_secret:sensitive_string!", _organization="CERT",
                   module_description="It's \"quoted\" \\ — ünïcode", _init_git=False)  # fmt: skip
    first = tmp_path / "first"
    cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(first))
    recorded = json.loads((first / "iris-again-module" / ".cruft.json").read_text("utf-8"))
    replay = tmp_path / "answers.json"
    replay.write_text(json.dumps(recorded["context"]), encoding="utf-8")

    again = tmp_path / "again"
    cookiecutter(recorded["template"], replay=str(replay), output_dir=str(again))

    assert tree(again / "iris-again-module") == tree(first / "iris-again-module")
    assert recorded["template"] == str(ROOT)
    assert recorded["context"]["cookiecutter"]["module_description"] == answers["module_description"]


@pytest.mark.skipif(shutil.which("git") is None, reason="cruft needs git")
def test_cruft_finds_a_fresh_bake_up_to_date_and_without_differences(tmp_path):
    # Baked from a clone, so that the recorded commit holds exactly what was baked.
    template = tmp_path / "template"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(template)], check=True)
    # In a process of its own, away from this checkout: cookiecutter imports local_extensions
    # by name, first from the working folder, and this process may hold the checkout's.
    bake = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path), str(template), "keyword=cruft"]
    subprocess.run(bake, check=True, capture_output=True, cwd=tmp_path)
    project = tmp_path / "iris-cruft-module"
    cruft = [sys.executable, "-m", "cruft"]

    check = subprocess.run([*cruft, "check"], cwd=project, capture_output=True, text=True)
    diff = subprocess.run([*cruft, "diff", "--exit-code"], cwd=project, capture_output=True, text=True)

    assert check.returncode == 0, check.stdout + check.stderr
    assert diff.returncode == 0, diff.stdout
