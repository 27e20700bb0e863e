"""The settings and _pipeline_args answers bake into IRIS entries the module reads, tests and documents."""

import json
import subprocess
import sys

import pytest
from conftest import rules, run_baked_suite

SETTINGS = {
    "every type": "flag:bool=yes, count:int=-3, url:string=https://api.example/v2?a=1, key:sensitive_string=s3cr3t,"
    ' page:textfield_html=<b>x</b>, extra:textfield_json={"a": [1\\, 2]\\, "b": "x"},'
    " notes:textfield_markdown=*hi*",
    "mandatory without default": "api_key:sensitive_string!, tenant:string!, retries:int!",
    "optional without default": "proxy:string, strict:bool, limit:int",
    "sections": "Connection/api_url:string=https://x.example, Connection/timeout:int=30, Secrets/api_key:sensitive_string!",
}


def configuration(folder, package):
    code = (
        f"import json, {package}.config as c; print(json.dumps([c.CONFIGURATION, getattr(c, 'PIPELINE_INFO', None)]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("module_type", ["processor", "pipeline"])
@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_settings_bake_into_entries_that_pass_the_baked_tests(bake, settings, module_type):
    folder = bake(settings=settings, module_type=module_type, keyword=f"set_{module_type}")

    entries, _ = configuration(folder, f"iris_set_{module_type}_module")
    readme = (folder / "README.md").read_text("utf-8")

    declared = [item.split(":")[0].split("/")[-1].strip() for item in rules.settings_spec.items(settings)]
    # A processor's switches come after every setting of its own.
    switches = rules.hook_selection.catalogue(rules.lines.default()).hooks
    own = [entry for entry in entries if entry["param_name"] not in switches]
    assert entries[: len(own)] == own
    assert [entry["param_name"] for entry in own][-len(declared) :] == declared
    for entry in own[-len(declared) :]:
        assert f"| `{entry['param_name']}` | {entry['type']} |" in readme
    run_baked_suite(folder)


def test_defaults_mandatory_sections_and_descriptions_are_as_typed(bake):
    settings = SETTINGS["every type"] + ', Secrets/token:sensitive_string! "The token, from the service\'s console"'
    folder = bake(settings=settings + ', max_age_days:int=30 "Days to keep"', keyword="typed")

    entries = {entry["param_name"]: entry for entry in configuration(folder, "iris_typed_module")[0]}
    config = (folder / "iris_typed_module" / "config.py").read_text("utf-8")

    assert entries["flag"]["default"] is True and entries["count"]["default"] == -3
    assert entries["url"]["default"] == "https://api.example/v2?a=1"
    assert entries["extra"]["default"] == '{"a": [1, 2], "b": "x"}'  # its commas typed as \\,
    assert entries["token"] == {
        "param_name": "token",
        "param_human_name": "Token",
        "param_description": "The token, from the service's console. Fill it in before enabling the module.",
        "default": None,
        "mandatory": True,
        "type": "sensitive_string",
        "section": "Secrets",
    }
    assert entries["max_age_days"]["param_description"] == "Days to keep."
    assert entries["max_age_days"]["section"] == entries["flag"]["section"] == "Settings"
    assert entries["flag"]["mandatory"] is False
    # Where a description is missing, a to-do says where it goes; none where one was given.
    assert "# TODO: say what flag is for in param_description" in config
    assert "say what token is for" not in config and "say what max_age_days is for" not in config


def test_pipeline_arguments_round_trip_into_pipeline_info(bake):
    folder = bake(
        module_type="pipeline", _pipeline_args="index:required, hostname, source_type:optional", keyword="args"
    )

    _, info = configuration(folder, "iris_args_module")

    assert info["pipeline_args"] == [["index", "required"], ["hostname", "optional"], ["source_type", "optional"]]
    assert "| `index` | required |" in (folder / "README.md").read_text("utf-8")
    run_baked_suite(folder)


def test_organisation_and_repository_reach_the_metadata(bake):
    import tomllib

    folder = bake(
        _organization='ACME "CERT"',
        _repository_url="https://git.example.org/acme/iris-vt",
        keyword="org",
        _license="MIT",
    )

    project = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))["project"]

    assert project["urls"] == {"Repository": "https://git.example.org/acme/iris-vt"}
    assert project["maintainers"] == [{"name": 'ACME "CERT"'}]
    assert 'Maintained by ACME "CERT"' in (folder / "README.md").read_text("utf-8")
    assert 'ACME "CERT"' in (folder / "LICENSE").read_text("utf-8")
