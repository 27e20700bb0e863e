"""Bad answers are refused with a message naming the field, and leave nothing behind."""

import json
import re
from pathlib import Path

import pytest
from conftest import CONTEXT, LINES, ROOT, rules
from cookiecutter.exceptions import FailedHookException
from cookiecutter.generate import generate_files
from cookiecutter.main import cookiecutter
from jinja2 import Environment
from this_machine import iris_web_source

DEFAULTS = {
    "keyword": "vtlookup",
    "module_type": "processor",
    "module_name": "iris-vtlookup-module",
    "_module_human_name": "IrisVT",
    "_module_description": "VirusTotal insights",
    "author": "A",
    "email": "a@example.org",
    "_module_version": "0.1.0",
    "_license": "MIT",
    "preset": "blank",
    "iris_version": rules.lines.default().iris_version,
    "_hooks": "ioc",
    "_pipeline_args": "",
    "settings": "",
    "_organization": "",
    "_repository_url": "",
    "_init_git": False,
}
PIPELINE = dict(DEFAULTS, module_type="pipeline", _hooks="")

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
    ("_module_version", "1.0-beta"),
    ("_module_version", "v1.0"),
    ("_module_version", ""),
    ("email", "not an address"),
    ("email", 'a"b@example.org'),
    ("_module_description", "two\nlines"),
    ("_module_description", "   "),
    ("_module_human_name", "IrisBaseModule"),
    ("author", "nul\x00here"),
    ("module_type", "both"),
    ("iris_version", "2.3"),
    ("_license", "WTFPL"),
    ("_organization", "two\nlines"),
    ("_repository_url", "git@example.org:acme/vt.git"),
    ("_repository_url", "https://example.org/a b"),
    ("_hooks", " , "),
    ("_hooks", "on_postload_ioc_creat"),
    ("_hooks", "iocs"),
    ("_pipeline_args", "hostname"),
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
    ("_pipeline_args", " , "),
    ("_pipeline_args", "index:mandatory"),
    ("_pipeline_args", "index, index"),
    ("_pipeline_args", "Index Name"),
    ("_hooks", "ioc"),
    ("settings", "move_processed:bool"),
]


@pytest.mark.parametrize(("field", "value"), REFUSED, ids=[f"{f}={v!r}" for f, v in REFUSED])
def test_a_bad_answer_is_named_in_the_problems(field, value):
    problems = rules.answers.problems(dict(DEFAULTS, **{field: value}))

    assert len(problems) == 1
    assert problems[0].startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("field", "value"), REFUSED_FOR_PIPELINES, ids=[f"{f}={v!r}" for f, v in REFUSED_FOR_PIPELINES]
)
def test_a_bad_pipeline_answer_is_named_in_the_problems(field, value):
    problems = rules.answers.problems(dict(PIPELINE, **{field: value}))

    assert len(problems) == 1
    assert problems[0].startswith(f"{field}: ")


def test_good_answers_have_no_problems():
    assert rules.answers.problems(DEFAULTS) == []
    assert rules.answers.problems(PIPELINE) == []
    assert rules.answers.problems(dict(PIPELINE, _pipeline_args="index:required, hostname")) == []


def test_a_preset_refuses_the_other_module_type_and_hooks_its_handler_lacks():
    (wrong_type,) = rules.answers.problems(dict(PIPELINE, preset="ioc-enrichment"))
    (wrong_hooks,) = rules.answers.problems(
        dict(DEFAULTS, preset="ioc-enrichment", _hooks="ioc, on_manual_trigger_case")
    )

    assert wrong_type.startswith("preset: 'ioc-enrichment' bakes a processor module, not a pipeline.")
    assert wrong_hooks.startswith("_hooks: the ioc-enrichment preset's handler has handle_iocs, not handle_cases.")
    assert rules.answers.problems(dict(DEFAULTS, preset="ioc-enrichment", _hooks="on_manual_trigger_ioc")) == []


def test_a_misspelt_hook_gets_a_suggestion():
    (problem,) = rules.answers.problems(dict(DEFAULTS, _hooks="ioc, on_manual_triger_case"))

    assert "Did you mean 'on_manual_trigger_case'?" in problem


def test_each_bad_setting_is_named():
    problems = rules.answers.problems(dict(DEFAULTS, settings="url:string, key:secret, n:int=x, ok:bool=true"))

    assert len(problems) == 2
    assert problems[0].startswith("settings: 'key:secret': 'secret' is not an IRIS type")
    assert problems[1].startswith("settings: 'n:int=x': the default 'x' is not a whole number")


def test_a_comma_inside_a_default_is_escaped_and_an_unescaped_one_says_how():
    escaped = 'servers:textfield_json={"a": 1\\, "b": 2} "Two servers, by name", n:int=3'
    unescaped = 'servers:textfield_json={"a": 1, "b": 2}'

    (setting, _) = rules.settings_spec.settings(escaped)
    cut_short, *rest = rules.answers.problems(dict(DEFAULTS, settings=unescaped))

    assert (setting.default, setting.param_description) == ('{"a": 1, "b": 2}', "Two servers, by name.")
    assert cut_short.startswith("settings: 'servers:textfield_json={\"a\": 1': the default '{\"a\": 1' is not JSON")
    assert cut_short.endswith("a comma inside a default is written \\,.")
    assert rest and all(problem.startswith("settings: '\"b\": 2}'") for problem in rest)


def test_empty_hooks_and_pipeline_args_are_the_defaults_of_the_preset_and_the_type():
    assert rules.answers.hooks_answer(dict(DEFAULTS, preset="hunt", _hooks="")) == (
        "on_postload_ioc_create, on_manual_trigger_ioc"
    )
    assert rules.answers.hooks_answer(dict(DEFAULTS, _hooks=" ioc ")) == "ioc"
    assert rules.answers.pipeline_args_answer(PIPELINE) == "hostname:optional"
    assert rules.answers.human_name(dict(DEFAULTS, _module_human_name="")) == "IrisVtlookup"


def test_every_independent_problem_is_reported_at_once():
    # What a newcomer met one run at a time: the hooks, then the settings (issue 17).
    answers = dict(
        DEFAULTS,
        keyword="AbuseIPDB",
        preset="ioc-enrichment",
        _hooks="ioc, on_manual_trigger_case, bogus_hook",
        settings="api_key:sensitive_string!, max_age_days:int=30, max_age_days:int, n:int=x",
        email="nope",
    )

    problems = rules.answers.problems(answers)

    assert [problem.split(":")[0] for problem in problems] == [
        "keyword",
        "_hooks",
        "_hooks",
        "settings",
        "settings",
        "settings",
        "email",
    ]
    assert "'bogus_hook' is neither" in problems[1]
    assert "has handle_iocs, not handle_cases" in problems[2]
    assert "'n:int=x'" in problems[3]
    assert "'api_key' is already a setting of the ioc-enrichment preset (api_url, api_key, timeout" in problems[4]
    assert "'max_age_days' is declared twice" in problems[5]


def test_a_setting_named_like_a_hook_switch_or_a_pipeline_setting_is_refused_naming_it():
    (switch,) = rules.answers.problems(dict(DEFAULTS, settings="on_postload_ioc_create:bool"))
    (moved,) = rules.answers.problems(dict(PIPELINE, settings="move_processed:bool"))

    assert "is already the switch of the hook of that name" in switch
    assert "is already a setting every pipeline has" in moved


def test_the_settings_prompt_hint_names_the_presets_settings_and_the_hook_switches():
    hint = rules.answers.builtin_settings_hint(dict(DEFAULTS, preset="ioc-enrichment", _hooks=""))

    assert "on_postload_ioc_create, on_postload_ioc_update, on_manual_trigger_ioc" in hint
    assert "api_url, api_key, timeout" in hint


def test_a_partial_set_of_answers_is_checked_as_far_as_it_goes():
    # A replay asks only some answers again; the prompts check those.
    assert rules.answers.problems({"keyword": "ok", "email": "nope"}) == [
        "email: 'nope' is not an e-mail address. Use name@domain.tld, or leave it empty."
    ]
    assert rules.answers.problems({"module_name": "fine-name"}) == []


def test_a_processor_refuses_pipeline_args_and_a_pipeline_hooks():
    (pipeline_args,) = rules.answers.problems(dict(DEFAULTS, _pipeline_args="index"))
    (hooks,) = rules.answers.problems(dict(PIPELINE, _hooks="ioc"))

    assert pipeline_args.startswith("_pipeline_args: a processor takes no pipeline arguments.")
    assert hooks.startswith("_hooks: a pipeline answers no IRIS hooks.")


@pytest.mark.parametrize("value", ['It\'s "quoted" \\ and {{ braced }} — ünïcode', "x\\", "דוח ‏RTL", "😀" * 50])
def test_free_text_is_never_refused_for_its_characters(value):
    assert (
        rules.answers.problems(dict(DEFAULTS, _module_description=value, author=value, _module_human_name=value)) == []
    )


def test_names_are_derived_once_from_the_answers():
    assert rules.answers.package_name("iris-Virus.Total-module") == "iris_virus_total_module"
    assert rules.answers.class_name("virus_total2") == "IrisVirusTotal2Interface"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("keyword", "1abc"),
        ("_module_version", "one"),
        ("email", "nope"),
        ("_module_human_name", "IrisBaseModule"),
        ("module_name", "../escape"),
        ("module_name", "a/b/c"),
        ("module_name", "/tmp/absolute"),
        ("_hooks", "on_postload_ioc_creat"),
        ("keyword", "misp"),  # iris-misp-module, which IRIS ships
        ("module_name", "iris-webhooks-module"),
    ],
)
def test_a_refused_bake_names_the_field_and_leaves_nothing(tmp_path, capfd, field, value):
    output = tmp_path / "out"
    output.mkdir()

    with pytest.raises(FailedHookException) as refused:
        cookiecutter(str(ROOT), no_input=True, extra_context={field: value}, output_dir=str(output))

    said = capfd.readouterr().err + str(refused.value)
    assert f"{field}: {value!r}" in said
    assert sorted(tmp_path.rglob("*")) == [output]
    assert Path("iris-module-answers.json").exists()  # kept in the current folder for a retry


def test_the_pre_generation_hook_refuses_what_skips_the_prompts(tmp_path, capfd, monkeypatch):
    # A replayed or hand-made context reaches the hooks without going through the prompts.
    monkeypatch.syspath_prepend(str(ROOT))
    answers = dict(
        DEFAULTS, keyword="1bad", __package_name="iris_vtlookup_module", __class_name="IrisVtlookupInterface"
    )
    context = {"cookiecutter": dict(CONTEXT, **answers)}

    with pytest.raises(FailedHookException):
        generate_files(repo_dir=str(ROOT), context=context, output_dir=str(tmp_path))

    assert "keyword: '1bad'" in capfd.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["iris-module-answers.json"]  # no project folder


def test_a_retry_keeps_what_was_typed_and_asks_again_what_was_made_from_a_refused_answer(tmp_path):
    retry = rules.retry
    answers = dict(DEFAULTS, keyword="Bad", module_name="iris-bad-module", _module_description="Typed by hand")
    problems = rules.answers.problems(answers)

    def render(raw, values):  # the two defaults made from the keyword, as cookiecutter.json writes them
        return {"module_name": f"iris-{rules.answers.keyword_slug(values['keyword'])}-module"}.get(
            next((key for key, value in CONTEXT.items() if value == raw), None)
        )

    path, asked, reset = retry.write(tmp_path, answers, problems, render, {"keyword": "bad"})
    saved = json.loads(path.read_text("utf-8"))

    assert asked == ["keyword", "module_name"]  # the name took the default made from the keyword
    assert saved["cookiecutter"]["_module_description"] == "Typed by hand"  # typed: kept
    assert "keyword" not in saved["cookiecutter"] and "__class_name" not in saved["cookiecutter"]
    assert saved["default_context"]["keyword"] == "bad"
    assert saved["default_context"]["module_name"].startswith("{% set cookiecutter = with_answers(cookiecutter, {")
    assert reset == []


def shipped_by_iris(target):
    """The modules IRIS's source ships: the wheels its requirements.txt installs from dependencies/, and the ones
    post_init.py adds to every new IRIS (register_default_modules)."""
    requirements = iris_web_source(target, "source/requirements.txt")
    wheels = re.findall(r"^dependencies/([A-Za-z0-9_.]+)-[^-]+-.+\.whl$", requirements, flags=re.MULTILINE)
    post_init = iris_web_source(target, "source/app/post_init.py")
    defaults = re.search(r"def register_default_modules\(\):\s*modules = \[([^\]]*)\]", post_init)
    return sorted(set(wheels) | set(re.findall(r"'([a-z_]+)'", defaults[1])))


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_a_module_named_as_one_iris_ships_is_refused_with_a_free_name(target):
    shipped = shipped_by_iris(target)
    assert {"iris_misp_module", "iris_webhooks_module", "iris_vt_module", "iris_check_module"} <= set(shipped)

    for package in shipped:
        module_name = package.replace("_", "-")
        (problem,) = rules.answers.problems(dict(DEFAULTS, iris_version=target.iris_version, module_name=module_name))
        assert problem.startswith(f"module_name: {module_name!r} ")
        if package in rules.answers.RESERVED_PACKAGES:  # iris_interface: refused as a package IRIS imports
            continue
        assert problem.startswith(f"module_name: {module_name!r} is a module which {target.name} already ships")
        better = rules.filters.suggestions(dict(DEFAULTS, iris_version=target.iris_version, module_name=module_name))
        assert better["module_name"] in problem
        assert rules.answers.problems(dict(DEFAULTS, iris_version=target.iris_version, **better)) == []


@pytest.mark.parametrize("keyword", ["misp", "webhooks", "vt", "intelowl", "check", "seika"])
def test_a_keyword_that_makes_the_name_of_a_module_iris_ships_is_refused_with_another_keyword(keyword):
    answers = dict(DEFAULTS, keyword=keyword, module_name=f"iris-{keyword}-module")

    (problem,) = rules.answers.problems(answers)
    better = rules.filters.suggestions(answers)["keyword"]

    assert problem.startswith(f"keyword: {keyword!r} makes the module 'iris-{keyword}-module', which IRIS 2.4")
    assert f"e.g. {better!r}" in problem and better != keyword
    assert rules.answers.problems(dict(answers, keyword=better, module_name=f"iris-{better}-module")) == []
    # The name typed by hand is the way out too: the keyword is not at fault then.
    assert rules.answers.problems(dict(answers, module_name=f"iris-{keyword}-plus-module")) == []
    for target in LINES.values():  # each line's own pins: develop ships the same modules
        (problem,) = rules.answers.problems(dict(answers, iris_version=target.iris_version))
        assert problem.startswith(f"keyword: {keyword!r} makes") and f"which {target.name} already ships" in problem


def test_the_organisation_names_the_suggested_keyword_when_given():
    answers = dict(DEFAULTS, keyword="misp", module_name="iris-misp-module", _organization="ACME CERT")

    assert rules.filters.suggestions(answers)["keyword"] == "acme_cert_misp"


def test_the_module_name_made_from_a_keyword_is_the_one_cookiecutter_json_makes():
    environment = Environment(extensions=[rules.filters.AnswerFilters])
    made = environment.from_string(CONTEXT["module_name"]).render(cookiecutter={"keyword": "virus_total"})

    assert made == rules.answers.default_module_name("virus_total") == "iris-virus-total-module"
