"""The rules package: reached through one loader, by normal imports inside, and each bake gets its own template's rules."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONTEXT, ROOT, load_rules, rules
from cookiecutter.main import cookiecutter
from jinja2 import Environment

# Bakes from two copies of the template in one process, and from one of them again once its
# files changed in place, as cruft resets its clone to another commit between two bakes.
BAKES = """
import sys
import time
from pathlib import Path
from cookiecutter.main import cookiecutter

first, second, output, old, new = sys.argv[1:]


def bake(template, keyword):
    project = cookiecutter(template, no_input=True, extra_context={"keyword": keyword, "_init_git": False},
                           output_dir=output)
    return Path(project, "AGENTS.md").read_text(encoding="utf-8")


results = [old in bake(first, "first"), new in bake(second, "second")]
for path in Path(first).rglob("preset*"):
    if path.is_file() and old in path.read_text(encoding="utf-8"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
results.append(new in bake(first, "changed"))
print("baked with their own rules:", results)
"""
BLANK_SUMMARY = "an empty module: a handler function with a TODO per hook, or a file handler"


def copy_of_the_template(target):
    ignored = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "build")
    return shutil.copytree(ROOT, target, ignore=ignored)


def change(folder, old, new):
    """Replace ``old`` with ``new`` in the presets' data, wherever it is written."""
    changed = 0
    for path in [*(folder / "rules").glob("presets.py"), *(folder / "templates" / "presets").rglob("preset*")]:
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new), encoding="utf-8")
            changed += 1
    assert changed == 1


def test_each_bake_in_one_process_gets_the_rules_of_its_own_template_and_commit(tmp_path):
    first, second = copy_of_the_template(tmp_path / "first"), copy_of_the_template(tmp_path / "second")
    changed = "a module the second copy describes its own way"
    change(second, BLANK_SUMMARY, changed)

    done = subprocess.run(
        [sys.executable, "-c", BAKES, str(first), str(second), str(tmp_path / "out"), BLANK_SUMMARY, changed],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert "baked with their own rules: [True, True, True]" in done.stdout


@pytest.mark.parametrize("given", ["absolute", "relative"])
def test_a_bake_run_in_another_checkout_of_the_template_gets_the_rules_of_the_one_it_bakes(tmp_path, given):
    """``python -m`` puts the working folder first on the path, before the template cookiecutter appends."""
    here, baked = copy_of_the_template(tmp_path / "here"), copy_of_the_template(tmp_path / "baked")
    (here / "rules" / "__init__.py").write_text("raise RuntimeError('the rules of the working folder')\n")
    template = str(baked) if given == "absolute" else os.path.relpath(baked, here)
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path / "out"), template]

    done = subprocess.run([*command, "_init_git=false"], cwd=here, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "iris-example-module" / "AGENTS.md").is_file()


PATHS_IN_A_RENDERED_FOLDER = ["{{ 1 + 1 }}/name.py", "a/{{ 2 }}/b/name.py", "{{ 1 -}} /x", "{{ 1 }}/"]


@pytest.mark.parametrize(
    "text",
    [
        "tests/test_loader.py",
        "",
        "two\nlines",
        "ends\n",
        "a\r\nb",
        "{{ 1 + 1 }}",
        "{% if 1 %}x{% endif %}",
        "{# #}x",
        *PATHS_IN_A_RENDERED_FOLDER,
        "{{ 1 }}/{{ 2 }}.py",
        '{{ "a/b" }}',
        "{% if 1 %}a/b{% endif %}",
        "{% if 1 %}a{% endif %}/b",
        "{{ 1 }}\n/x",
        "{# a/b #}",
    ],
)
@pytest.mark.parametrize("keep_trailing_newline", [True, False])
def test_a_text_renders_as_jinja_renders_it_and_only_plain_text_is_left_uncompiled(text, keep_trailing_newline):
    with_extension = Environment(extensions=[rules.filters.AnswerFilters], keep_trailing_newline=keep_trailing_newline)
    jinja = Environment(keep_trailing_newline=keep_trailing_newline)

    template = with_extension.from_string(text)

    assert template.render(cookiecutter={}) == jinja.from_string(text).render(cookiecutter={})
    uncompiled = "{" not in text and "\r" not in text and (keep_trailing_newline or not text.endswith("\n"))
    assert isinstance(template, rules.filters.PlainText) is uncompiled
    in_folder = text in PATHS_IN_A_RENDERED_FOLDER or text == "{% if 1 %}a{% endif %}/b"
    assert isinstance(template, rules.filters.InFolder) is in_folder


def test_the_files_of_one_folder_share_its_one_compiled_template():
    environment = Environment(extensions=[rules.filters.AnswerFilters])

    first, second = environment.from_string("{{ 1 }}/a.py"), environment.from_string("{{ 1 }}/b.py")

    assert first.folder is second.folder
    assert [first.render(), second.render()] == ["1/a.py", "1/b.py"]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "",
        'say "hi"',
        "it's",
        "both ' and \"",
        "two '' and one \"",
        "back\\slash",
        "tab\there",
        "new\nline",
        "nul\x00",
        "rtl\u200f",
        "é",
    ],
)
def test_a_python_literal_holds_exactly_its_text_quoted_as_ruff_format_quotes_it(text):
    literal = rules.filters.python_literal(text)

    assert ast.literal_eval(literal) == text
    assert literal[0] == ("'" if text.count('"') > text.count("'") else '"')
    assert literal.isprintable()  # one line of source, whatever the text holds


def test_a_list_of_texts_is_one_python_literal_too():
    texts = ["plain", 'say "hi"', "new\nline", 1, None]

    assert ast.literal_eval(rules.filters.python_literal(texts)) == texts
    assert ast.literal_eval(rules.filters.python_literal(())) == []


def test_every_rule_file_is_reached_by_a_normal_import():
    rules.filters  # noqa: B018  (loaded on first use)

    files = {path.stem for path in (ROOT / "rules").glob("*.py")} - {"__init__"}
    imported = {name.rpartition(".")[2] for name in sys.modules if name.startswith(f"{rules.__name__}.")}

    assert files <= imported


def test_the_rules_are_loaded_by_one_loader_only():
    # tests/e2e loads files of baked projects (their fakes), never the rules.
    skipped = {".venv", ".git", "{{cookiecutter.module_name}}", "templates", "e2e", Path(__file__).name}
    own_python = [path for path in ROOT.rglob("*.py") if not skipped & set(path.relative_to(ROOT).parts)]
    by_path, runs = {}, {}
    for path in own_python:
        text = path.read_text(encoding="utf-8")
        by_path[path.relative_to(ROOT).as_posix()] = text.count("spec_from_file_location(")
        runs[path.relative_to(ROOT).as_posix()] = re.findall(r"run_path\(.*", text)

    assert {path: count for path, count in by_path.items() if count} == {"iris_skeleton_extension.py": 1}
    for path, calls in runs.items():  # the tests and earlier commits' extension use the loader
        assert all("iris_skeleton_extension.py" in call for call in calls), (path, calls)
    hook = (ROOT / "hooks" / "pre_gen_project.py").read_text(encoding="utf-8")
    assert "from iris_skeleton_extension import load_rules" in hook


def test_no_bytecode_cache_is_baked_into_a_project(tmp_path):
    # Python writes __pycache__ beside a file it imports unless told not to: the template's
    # own files read by the rules must not leave one in the project folder of the template.
    template = copy_of_the_template(tmp_path / "template")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    for run in ("first", "second"):
        bake = [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path / run),
            str(template),
            "_init_git=no",
        ]
        subprocess.run(bake, cwd=tmp_path, env=env, check=True, capture_output=True)

    assert list((tmp_path / "second").rglob("__pycache__")) == []


def test_each_iris_line_refuses_a_setting_its_fake_iris_refuses():
    good = {"param_name": "n", "param_human_name": "N", "param_description": "A number.", "default": 1, "type": "int"}
    setting = rules.setting.Setting

    assert setting(**good).entry() == {**good, "mandatory": False}
    for target in rules.lines.offered().values():
        assert rules.baked.settings_problems(setting(**good), target) == []
        assert rules.baked.settings_problems(setting(**{**good, "type": "integer"}), target) == [
            "setting 'n' has type 'integer', unknown to IRIS"
        ]
        assert rules.baked.settings_problems(setting(**{**good, "default": "1"}), target) == [
            "setting 'n': default '1' is not a int"
        ]


def test_the_fake_iris_is_rendered_when_a_check_needs_it_once_per_line(tmp_path):
    loaded = load_rules(copy_of_the_template(tmp_path / "template"))
    assert loaded.baked.fake_iris.cache_info().currsize == 0  # loading the rules renders no fake IRIS

    for target in [*loaded.lines.offered().values()] * 2:
        assert loaded.baked.fake_iris(target).__file__ == str(target.folder / "fake_iris.py")
    assert loaded.baked.fake_iris.cache_info().currsize == len(loaded.lines.offered())


def test_the_settings_answer_reads_a_bool_default_as_the_baked_module_reads_a_stored_value():
    read = rules.baked._plain_module("{{cookiecutter.__package_name}}/settings.py").read
    words = [*rules.settings_spec.TRUE_WORDS, *rules.settings_spec.FALSE_WORDS]

    for word in words + [word.upper() for word in words]:
        assert rules.settings_spec.parse_default(word, "bool") is read(word, "bool"), word


def test_the_settings_answer_takes_the_types_the_fake_iris_takes():
    for setting_type in rules.baked.fake_iris(rules.lines.default()).IRIS_SETTING_TYPES:
        assert rules.settings_spec.item_problems(f"x:{setting_type}") == []
    (refused,) = rules.settings_spec.item_problems("x:boolean")
    assert "'boolean' is not an IRIS type. Use one of bool, int, sensitive_string, string," in refused


def test_every_preset_folder_is_a_choice_of_the_preset_prompt():
    folders = {path.parent.name for path in (ROOT / "templates" / "presets").glob("*/preset.json")}

    assert folders == set(CONTEXT["preset"]) == set(rules.presets.PRESETS)


def test_every_preset_has_a_label_a_readme_row_and_an_e2e_scenario():
    """CONTRIBUTING.md's checklist for a new preset, the parts no bake fails without."""
    sys.path.insert(0, str(ROOT / "tests"))
    from e2e import scenarios
    from e2e.scenarios import Scenario

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    labels = CONTEXT["__prompts__"]["preset"]
    for name, preset in rules.presets.PRESETS.items():
        assert labels.get(name, "").startswith(f"{name}"), f"{name}: no label under __prompts__ > preset"
        if name != rules.presets.BLANK:
            assert f"| `{name}` | {preset.module_type} |" in readme, f"{name}: no row in the README's Presets table"
        types = ("processor", "pipeline") if name == rules.presets.BLANK else (preset.module_type,)
        for module_type in types:
            scenario = scenarios.SCENARIOS.get((module_type, name))
            assert scenario is not None, f"{name}: no e2e scenario for {module_type} in tests/e2e/scenarios.py"
            if preset.fake is not None:  # a remote service: a stand-in serves it
                assert scenario.settings is not Scenario.settings, f"{name}: its scenario starts no stand-in"


def test_a_mistake_in_a_presets_data_is_named_with_its_file(tmp_path):
    template = copy_of_the_template(tmp_path / "template")
    path = template / "templates" / "presets" / "hunt" / "preset.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["settings"][0]["type"] = "boolean"
    path.write_text(json.dumps(data), encoding="utf-8")

    answers = {"module_type": "processor", "preset": "hunt", "_hooks": "", "_helpers": "", "settings": ""}
    (refused,) = load_rules(template).answers.refused_by_iris(answers)
    assert refused.startswith("preset: templates/presets/hunt/preset.json: setting 'api_config' has type 'boolean'")
    assert refused.endswith("or pick another preset.")
    path.write_text(json.dumps({**data, "hook": "ioc"}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"presets/hunt/preset.json: unknown keys hook; the keys are"):
        load_rules(template)


def test_every_line_takes_the_settings_of_every_preset_type_helper_and_hook_switch():
    """What a bake no longer asks the fake IRIS: the template's own settings, the same at every bake."""
    for line in rules.lines.offered():
        for name, preset in rules.presets.PRESETS.items():
            types = ("processor", "pipeline") if name == rules.presets.BLANK else (preset.module_type,)
            for module_type in types:
                answers = {
                    "iris_version": line,
                    "module_type": module_type,
                    "preset": name,
                    "_hooks": "all" if module_type == "processor" else "",
                    "_helpers": ",".join(rules.presets.ADDABLE),
                    "settings": "",
                }
                assert rules.answers.declared_settings(answers), (line, name, module_type)
                assert rules.answers.refused_by_iris(answers) == [], (line, name, module_type)


def test_a_bake_without_settings_of_its_own_asks_no_fake_iris(tmp_path):
    loaded = load_rules(copy_of_the_template(tmp_path / "template"))
    answers = {key: value[0] if isinstance(value, list) else value for key, value in CONTEXT.items()}
    answers.update(keyword="quiet", module_name="iris-quiet-module", _hooks="all")

    assert loaded.answers.problems(answers) == []
    assert loaded.baked.fake_iris.cache_info().currsize == 0
    assert loaded.answers.problems({**answers, "settings": "n:int=3"}) == []
    assert loaded.baked.fake_iris.cache_info().currsize == 1


def test_a_bake_keeps_its_compiled_templates_for_the_next_and_bakes_the_same_without_them(tmp_path, monkeypatch):
    def bake(cache_home, name):
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
        output = tmp_path / name
        cookiecutter(str(ROOT), no_input=True, output_dir=str(output), extra_context={"_init_git": False})
        return {path.relative_to(output): path.read_bytes() for path in output.rglob("*") if path.is_file()}

    first = bake(tmp_path / "cache", "first")
    (kept,) = (tmp_path / "cache" / "iris-skeleton-module").iterdir()
    assert len(list(kept.glob("*.cache"))) > 40
    assert bake(tmp_path / "cache", "second") == first
    (tmp_path / "not-a-folder").write_text("")  # a cache that cannot be made is no cache
    assert bake(tmp_path / "not-a-folder", "third") == first


@pytest.mark.parametrize("preset", ["blank", "ioc-enrichment"])
def test_a_bake_compiled_without_jinjas_optimizer_is_the_bake_compiled_with_it(tmp_path, monkeypatch, preset):
    def bake(name):
        output = tmp_path / name
        cookiecutter(
            str(ROOT), no_input=True, output_dir=str(output), extra_context={"_init_git": False, "preset": preset}
        )
        return {path.relative_to(output): path.read_bytes() for path in output.rglob("*") if path.is_file()}

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    unoptimized = bake("unoptimized")
    set_up, optimized = rules.filters.AnswerFilters.__init__, []

    def with_the_optimizer(extension, environment):
        set_up(extension, environment)
        environment.optimized = True
        optimized.append(environment)

    monkeypatch.setattr(rules.filters.AnswerFilters, "__init__", with_the_optimizer)

    assert bake("optimized") == unoptimized
    assert optimized  # the bake's own environments


def test_the_caches_of_other_rules_are_removed_once_unused_for_a_month(tmp_path, monkeypatch):
    caches = tmp_path / "iris-skeleton-module"
    stale, recent = caches / "jinja-of-last-year", caches / "jinja-of-yesterday"
    for folder, days in ((stale, 31), (recent, 1)):
        folder.mkdir(parents=True)
        os.utime(folder, (time.time() - days * 86400,) * 2)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    cookiecutter(str(ROOT), no_input=True, output_dir=str(tmp_path / "out"), extra_context={"_init_git": False})

    assert not stale.exists() and recent.exists()
    assert len(list(caches.glob("jinja-*"))) == 2  # yesterday's, and this bake's
