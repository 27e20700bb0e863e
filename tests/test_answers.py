"""Bad answers are refused with a message naming the field, and leave nothing behind."""

import pytest
from conftest import CONTEXT, ROOT, load_rules
from cookiecutter.exceptions import FailedHookException, UndefinedVariableInTemplate
from cookiecutter.generate import generate_files
from cookiecutter.main import cookiecutter

rules = load_rules()
DEFAULTS = {
    "keyword": "vt", "module_type": "processor", "module_name": "iris-vt-module", "module_human_name": "IrisVT",
    "module_description": "VirusTotal insights", "author": "A", "email": "a@example.org", "module_version": "0.1.0",
    "license": "MIT", "preset": "blank", "hooks": "ioc", "pipeline_args": "hostname", "settings": "", "organization": "",
    "repository_url": "", "init_git": False,
}  # fmt: skip

REFUSED = [
    ("keyword", "1password"),
    ("keyword", "VT"),
    ("keyword", "virus-total"),
    ("keyword", ""),
    ("module_name", "../escape"),
    ("module_name", "/tmp/absolute"),
    ("module_name", "iris module"),
    ("module_name", "json"),
    ("module_name", "app"),
    ("module_name", "class"),
    ("module_name", "9lives"),
    ("module_version", "1.0"[:1] + ".0-beta"),
    ("module_version", "v1.0"),
    ("module_version", "0.1"[:0]),
    ("email", "not an address"),
    ("email", 'a"b@example.org'),
    ("module_description", "two\nlines"),
    ("module_description", "   "),
    ("module_human_name", "IrisBaseModule"),
    ("author", "nul\x00here"),
    ("module_type", "both"),
    ("license", "WTFPL"),
    ("organization", "two\nlines"),
    ("repository_url", "git@example.org:acme/vt.git"),
    ("repository_url", "https://example.org/a b"),
    ("hooks", ""),
    ("hooks", "on_postload_ioc_creat"),
    ("hooks", "iocs"),
    ("settings", "api_key"),
    ("settings", "api_key:secret"),
    ("settings", "timeout:int=thirty"),
    ("settings", "verify:bool=maybe"),
    ("settings", "extra:textfield_json={not json"),
    ("settings", "Class:string"),
    ("settings", "class:string"),
    ("settings", "on_postload_ioc_create:bool"),
    ("settings", "api_url:string, api_url:string"),
    ("preset", "virustotal"),
]
REFUSED_FOR_PIPELINES = [
    ("pipeline_args", ""),
    ("pipeline_args", "index:mandatory"),
    ("pipeline_args", "index, index"),
    ("pipeline_args", "Index Name"),
    ("settings", "move_processed:bool"),
]


@pytest.mark.parametrize(("field", "value"), REFUSED, ids=[f"{f}={v!r}" for f, v in REFUSED])
def test_a_bad_answer_is_named_in_the_problems(field, value):
    problems = rules.problems(dict(DEFAULTS, **{field: value}))

    assert len(problems) == 1
    assert problems[0].startswith(f"{field}: ")


@pytest.mark.parametrize(("field", "value"), REFUSED_FOR_PIPELINES, ids=[f"{f}={v!r}" for f, v in REFUSED_FOR_PIPELINES])
def test_a_bad_pipeline_answer_is_named_in_the_problems(field, value):
    problems = rules.problems(dict(DEFAULTS, module_type="pipeline", **{field: value}))

    assert len(problems) == 1
    assert problems[0].startswith(f"{field}: ")


def test_good_answers_have_no_problems():
    assert rules.problems(DEFAULTS) == []
    assert rules.problems(dict(DEFAULTS, module_type="pipeline")) == []


def test_a_preset_refuses_the_other_module_type_and_hooks_its_handler_lacks():
    (wrong_type,) = rules.problems(dict(DEFAULTS, module_type="pipeline", preset="ioc-enrichment"))
    (wrong_hooks,) = rules.problems(dict(DEFAULTS, preset="ioc-enrichment", hooks="ioc, on_manual_trigger_case"))

    assert wrong_type.startswith("preset: 'ioc-enrichment' bakes a processor module, not a pipeline.")
    assert wrong_hooks.startswith("hooks: the ioc-enrichment preset's handler has handle_iocs, not handle_cases.")
    assert rules.problems(dict(DEFAULTS, preset="ioc-enrichment", hooks="on_manual_trigger_ioc")) == []


def test_a_misspelt_hook_gets_a_suggestion():
    (problem,) = rules.problems(dict(DEFAULTS, hooks="ioc, on_manual_triger_case"))

    assert "Did you mean 'on_manual_trigger_case'?" in problem


def test_each_bad_setting_is_named():
    problems = rules.problems(dict(DEFAULTS, settings="url:string, key:secret, n:int=x, ok:bool=true"))

    assert len(problems) == 2
    assert problems[0].startswith("settings: 'key:secret': 'secret' is not an IRIS type")
    assert problems[1].startswith("settings: 'n:int=x': the default 'x' is not a whole number")


def test_a_pipeline_ignores_the_hooks_answer_and_a_processor_the_pipeline_args():
    assert rules.problems(dict(DEFAULTS, module_type="pipeline", hooks="nonsense")) == []
    assert rules.problems(dict(DEFAULTS, module_type="processor", pipeline_args="")) == []


@pytest.mark.parametrize("value", ["It's \"quoted\" \\ and {{ braced }} — ünïcode", "x\\", "דוח ‏RTL", "😀" * 50])
def test_free_text_is_never_refused_for_its_characters(value):
    assert rules.problems(dict(DEFAULTS, module_description=value, author=value, module_human_name=value)) == []


def test_names_are_derived_once_from_the_answers():
    assert rules.package_name("iris-Virus.Total-module") == "iris_virus_total_module"
    assert rules.class_name("virus_total2") == "IrisVirusTotal2Interface"


@pytest.mark.parametrize(
    ("field", "value"),
    [("keyword", "1abc"), ("module_version", "one"), ("email", "nope"), ("module_human_name", "IrisBaseModule"),
     ("module_name", "../escape"), ("module_name", "a/b/c"), ("module_name", "/tmp/absolute"),
     ("hooks", "on_postload_ioc_creat")],
)  # fmt: skip
def test_a_refused_bake_names_the_field_and_leaves_nothing(tmp_path, capfd, field, value):
    output = tmp_path / "out"
    output.mkdir()

    with pytest.raises((FailedHookException, UndefinedVariableInTemplate)) as refused:
        cookiecutter(str(ROOT), no_input=True, extra_context={field: value}, output_dir=str(output))

    said = capfd.readouterr().err + getattr(getattr(refused.value, "error", None), "message", "")
    assert f"{field}: {value!r}" in said
    assert sorted(tmp_path.rglob("*")) == [output]


def test_the_pre_generation_hook_refuses_what_skips_the_prompts(tmp_path, capfd, monkeypatch):
    # A replayed or hand-made context reaches the hooks without going through the prompts.
    monkeypatch.syspath_prepend(str(ROOT))
    answers = dict(DEFAULTS, keyword="1bad", __package_name="iris_vt_module", __class_name="IrisVtInterface")
    context = {"cookiecutter": dict(CONTEXT, **answers)}

    with pytest.raises(FailedHookException):
        generate_files(repo_dir=str(ROOT), context=context, output_dir=str(tmp_path))

    assert "keyword: '1bad'" in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []
