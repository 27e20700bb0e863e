"""Hostile answers: each one either bakes a module that works and keeps the exact text, or is
refused with a message naming the field, leaving nothing behind and writing nothing outside."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, RUFF, assert_runs_clean
from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter

# (field, value[, what the module must keep when it is not the value itself]).
# Free text must bake; names must bake or be refused.
CORPUS = [
    ("_module_description", 'double "quotes"'),
    ("_module_description", "single 'quotes'"),
    ("_module_description", "back\\slash"),
    ("_module_description", "trailing backslash\\"),
    ("_module_description", "line\nbreak"),
    ("_module_description", "tab\there"),
    ("_module_description", "nul\x00byte"),
    ("_module_description", "right-to-left \u202eevil\u202c and \u200f mark"),
    ("_module_description", "emoji 🛡️🔥 and ünïcode"),
    ("_module_description", "x" * 10_000),
    ("_module_description", "", "IRIS processor module for hostile"),  # empty: the default made from the answers
    ("_module_description", "   "),
    ("_module_description", "$(rm -rf ~) `id`; echo pwned"),
    ("_module_description", 'key = "value"\n[table]'),
    (
        "_module_description",
        "{% raw %}{{ cookiecutter.keyword }} {% if %} {# c #}{% endraw %}",
        "{% raw %}{{ cookiecutter.keyword }} {% if %} {# c #}{% endraw %}",
    ),  # private: never rendered
    ("_module_description", '"""docstring breaker'),
    ("_module_description", "<script>alert(1)</script> & *markdown* | pipe"),
    ("_module_description", "yaml: [a, b] &anchor *alias"),
    ("_module_description", "\\u0041 \\x41 \\N{BULLET}"),
    ("author", 'O\'Brien "The Hacker" \\'),
    ("author", "Name <evil@example.org>, Other"),
    ("author", "作者 — 🛡️"),
    ("_module_human_name", 'IRIS\'s "Best" Module'),
    ("_module_human_name", "{{ 7*7 }} {% if %}"),  # private answers are never rendered
    ("_module_human_name", "IrisBaseModule"),
    ("_module_human_name", "Name\rwith CR"),
    ("keyword", "class"),
    ("keyword", "import"),
    ("keyword", "1abc"),
    ("keyword", "VirusTotal"),
    ("keyword", "virus-total"),
    ("keyword", "a b"),
    ("keyword", ""),
    ("keyword", "x" * 40),
    ("module_name", "app"),
    ("module_name", "iris_interface"),
    ("module_name", "json"),
    ("module_name", "../escape"),
    ("module_name", "/tmp/absolute-module"),
    ("module_name", "a/b"),
    ("module_name", "..\\windows"),
    ("module_name", "Iris-Mixed.Case-module"),
    ("module_name", "iris-$(id)-module"),
    ("_module_version", "1.0"),
    ("_module_version", "1.0.0-beta"),
    ("_module_version", "1.1"),
    ("email", "a@b.c; rm -rf /"),
    ("email", ""),
    ("_organization", 'ACME "CERT" \\ 🛡️ & co'),
    ("_organization", "two\nlines"),
    ("_repository_url", "https://例え.jp/ünï/iris-vt"),
    ("_repository_url", "javascript:alert(1)"),
    ("_repository_url", "https://git.example.org/a b"),
    ("_repository_url", "https://git.example.org/o'brien\"/vt"),
    ("settings", 'motd:string=It\'s "quoted" \\ — 🛡️', 'It\'s "quoted" \\ — 🛡️'),
    ("settings", "motd:string={% raw %}{{ 7*7 }} {% if %}{% endraw %}", "{{ 7*7 }} {% if %}"),
    ("settings", "motd:textfield_html=<script>alert(1)</script> | `pipe`", "<script>alert(1)</script> | `pipe`"),
    ("settings", "motd:int=1e3"),
    ("settings", "motd:bool=maybe"),
    ("settings", "$(id):string"),
    ("settings", "../motd:string", ""),  # ".." is the section: a label in IRIS, nothing more
    ("settings", "motd:string\x00"),
    ("_hooks", "on_postload_ioc_create; rm -rf /"),
    ("_hooks", "../../etc/passwd"),
    ("_hooks", "IOC,,  on_manual_trigger_ioc", "on_postload_ioc_create, on_postload_ioc_update, on_manual_trigger_ioc"),
]


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{i}-{entry[0]}" for i, entry in enumerate(CORPUS)])
def test_a_hostile_answer_bakes_a_working_module_or_is_refused_cleanly(tmp_path, capfd, entry):
    field, value = entry[:2]
    output = tmp_path / "out"
    output.mkdir()
    answers = {"keyword": "hostile", field: value}
    try:
        project = cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(output))
    except CookiecutterException as refused:
        said = capfd.readouterr().err + str(refused)
        assert f"{field}: " in said
        assert sorted(tmp_path.rglob("*")) == [output], "a refused bake left files behind"
        return

    assert sorted(tmp_path.iterdir()) == [output], "the bake wrote outside its output folder"
    kept = baked_metadata(project, field)
    expected = entry[2] if len(entry) > 2 else value.replace("{% raw %}", "").replace("{% endraw %}", "")
    assert kept == expected
    assert_runs_clean(project, *RUFF)


def baked_metadata(project, field):
    """The answer as the baked module holds it, read back through Python, TOML and IRIS's loader."""
    read_back = """
import json, sys, tomllib
sys.path[:0] = ["tests", "."]
import fake_iris
fake_iris.install()
package = sys.argv[1]
module_class = fake_iris.load_like_iris(package)
fake_iris.host.configure(module_class)
module = module_class()
assert fake_iris.health_problems(module) == [], fake_iris.health_problems(module)
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(json.dumps({"_module_description": module.get_module_description(), "_module_human_name": module.get_module_name(),
                  "author": project["authors"][0]["name"], "email": project["authors"][0].get("email", ""),
                  "project_description": project["description"], "package": package, "module_name": project["name"],
                  "_module_version": module.get_module_version(), "keyword": module_class.__name__,
                  "_organization": (project.get("maintainers") or [{}])[0].get("name", ""),
                  "_repository_url": project.get("urls", {}).get("Repository", ""),
                  "settings": {s["param_name"]: s["default"] for s in module_class._module_configuration}.get("motd"),
                  "_hooks": ", ".join(hook.name for hook in getattr(module_class, "hooks", ()))}))
"""
    package = next(path.parent.name for path in Path(project).glob("*/__init__.py"))
    done = subprocess.run([sys.executable, "-c", read_back, package], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    metadata = json.loads(done.stdout)
    assert metadata["project_description"] == metadata["_module_description"]
    if field == "keyword":
        return metadata["keyword"].removeprefix("Iris").removesuffix("Interface").lower()
    return metadata[field]
