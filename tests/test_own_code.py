"""The template's own Python is held to what it asks of the projects it bakes: ruff finds nothing
and changes nothing, under the root ruff.toml. The two hooks are Jinja templates: ruff checks
them as cookiecutter renders them (where the answers make a line long is theirs)."""

import pytest
from conftest import ROOT, RUFF, assert_runs_clean, code_variants, variant_id
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config


def test_ruff_finds_nothing_in_the_templates_own_code():
    assert_runs_clean(ROOT, *RUFF)


@pytest.mark.parametrize("variant", code_variants(), ids=variant_id)
def test_ruff_finds_nothing_in_the_hooks_as_rendered(variant, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))  # as cookiecutter does, to import the template's extension
    context = generate_context(context_file=ROOT / "cookiecutter.json", extra_context=variant)
    context["cookiecutter"] = prompt_for_config(context, no_input=True)
    context["cookiecutter"].update(_template=str(ROOT), _output_dir=str(tmp_path), _repo_dir=str(ROOT), _checkout=None)
    environment = StrictEnvironment(context=context, keep_trailing_newline=True)
    for hook in ("pre_gen_project.py", "post_gen_project.py"):
        source = (ROOT / "hooks" / hook).read_text(encoding="utf-8")
        (tmp_path / hook).write_text(environment.from_string(source).render(**context), encoding="utf-8")

    assert_runs_clean(tmp_path, ["ruff", "check", "--no-cache", "--config", str(ROOT / "ruff.toml"), "."])
