"""Both workflows, the template's own and the one every project is baked with, and the template's Dependabot
configuration pass zizmor's audit."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

ZIZMOR = Path(sys.executable).with_name("zizmor")  # installed beside this Python from requirements.txt


def audit(workflow):
    return subprocess.run([str(ZIZMOR), "--offline", str(workflow)], capture_output=True, text=True, check=False)


def test_the_audit_finds_what_it_is_for(tmp_path):
    careless = tmp_path / "ci.yml"
    careless.write_text("on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                        "      - uses: actions/checkout@v4\n")  # fmt: skip

    done = audit(careless)

    assert done.returncode != 0
    assert "unpinned-uses" in done.stdout and "artipacked" in done.stdout


def test_the_templates_own_workflow_has_no_finding():
    done = audit(ROOT / ".github" / "workflows" / "ci.yml")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_the_baked_workflow_has_no_finding(bake):
    done = audit(bake(keyword="audited") / ".github" / "workflows" / "ci.yml")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_the_dependency_updaters_configuration_has_no_finding():
    done = audit(ROOT / ".github" / "dependabot.yml")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout
