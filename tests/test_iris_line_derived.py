"""Each IRIS line's data (templates/iris/<release>/) is what tools/derive_iris_line.py derives from that line's
iris-web source, and the script stops on a name its words file (tools/iris_line_words.json) lacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LINES, ROOT

SCRIPT = ROOT / "tools" / "derive_iris_line.py"
WORDS = ROOT / "tools" / "iris_line_words.json"
DERIVED = ("iris_hooks.json", "iris_rows.json", "constraints.txt")


def checkout(target):
    """The line's iris-web source: ../shared/iris-web-<release> beside this checkout or its worktree (as CI has
    it), else IRIS_WEB_SOURCE when IRIS_LINE names this line or its IRIS_VERSION is the release."""
    for folder in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (folder / f"iris-web-{target.release}" / "source").is_dir():
            return folder / f"iris-web-{target.release}"
    source = os.environ.get("IRIS_WEB_SOURCE")
    if source:
        configuration = Path(source) / "source" / "app" / "configuration.py"
        version = configuration.read_text(encoding="utf-8") if configuration.is_file() else ""
        if os.environ.get("IRIS_LINE") == target.iris_version or f'IRIS_VERSION = "v{target.release}"' in version:
            return Path(source)
    pytest.skip(
        f"no iris-web source of {target.release}: neither ../shared/iris-web-{target.release} nor IRIS_WEB_SOURCE"
        f" (with IRIS_LINE={target.iris_version} for a branch)"
    )


def derive(source, out, *options):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(source), str(out), *options], capture_output=True, text=True
    )


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_each_lines_data_is_what_the_script_derives_from_its_iris_source(target, tmp_path):
    source = checkout(target)
    out = tmp_path / target.release
    # A copy of a tag (../shared's) is no git clone: the commit is the one the line says it was read from.
    commit = [] if (source / ".git").exists() else ["--commit", target.commit]

    done = derive(source, out, *commit)

    assert done.returncode == 0, done.stderr
    for name in DERIVED:
        assert (out / name).read_text(encoding="utf-8") == (target.folder / name).read_text(encoding="utf-8"), (
            f"templates/iris/{target.release}/{name} is not what {SCRIPT.name} derives from {source}"
        )
    derived = json.loads((out / "line.json").read_text(encoding="utf-8"))
    assert derived == {field: getattr(target, field) for field in derived}
    assert set(derived) == {"commit", "python", "python_source", "ruff_target"}


POST_INIT = """
def create_safe_hooks():
    create_safe(db.session, IrisHook, hook_name='on_postload_ioc_create', hook_description='IRIS has it')
    create_safe(db.session, IrisHook, hook_name={new!r}, hook_description='a newer IRIS has it')


def add_ioc(ioc):
    call_modules_hook('on_postload_ioc_create', data=ioc)
    call_modules_hook({new!r}, data={data})
"""


def fake_iris_web(folder, new, data="ioc"):
    """An iris-web tree whose post_init.py makes the hook ``new`` beside one IRIS has, both fired with an object."""
    app = folder / "source" / "app"
    app.mkdir(parents=True)
    (app / "post_init.py").write_text(POST_INIT.format(new=new, data=data), encoding="utf-8")
    return folder


def test_the_script_names_a_hook_its_words_file_lacks(tmp_path):
    source = fake_iris_web(tmp_path / "iris-web", "on_postload_ioc_enrich")

    done = derive(source, tmp_path / "2.4.20", "--commit", "0000000")

    assert done.returncode == 1
    assert "iris_line_words.json lacks the hook on_postload_ioc_enrich" in done.stderr
    assert not (tmp_path / "2.4.20").exists()


@pytest.mark.parametrize(
    ("dropped", "said"),
    [
        (("kinds", "ioc"), "hook on_postload_ioc_create: no kind of {words} is in its name"),
        (("data", "objects"), "{words} lacks the data shapes objects"),
    ],
)
def test_the_script_names_a_kind_or_a_data_shape_its_words_file_lacks(tmp_path, dropped, said):
    words = json.loads(WORDS.read_text(encoding="utf-8"))
    del words[dropped[0]][dropped[1]]
    trimmed = tmp_path / "words.json"
    trimmed.write_text(json.dumps(words), encoding="utf-8")
    source = fake_iris_web(tmp_path / "iris-web", "on_postload_ioc_update")

    done = derive(source, tmp_path / "2.4.20", "--commit", "0000000", "--words", str(trimmed))

    assert done.returncode == 1
    assert said.format(words=trimmed) in done.stderr


def test_the_script_names_a_hook_whose_call_sites_pass_data_of_no_known_shape(tmp_path):
    # A hook the words know, fired with an object at one site and a dict at another: which is it?
    source = fake_iris_web(tmp_path / "iris-web", "on_postload_ioc_create", data="{'ioc': ioc}")

    done = derive(source, tmp_path / "2.4.20", "--commit", "0000000")

    assert done.returncode == 1
    assert "hook on_postload_ioc_create: its call sites pass data of no known shape" in done.stderr
    assert "source/app/post_init.py:8" in done.stderr


def test_the_script_asks_for_the_words_of_a_line_it_does_not_know(tmp_path):
    source = fake_iris_web(tmp_path / "iris-web", "on_postload_ioc_create")

    done = derive(source, tmp_path / "2.6.0", "--commit", "0000000")

    assert done.returncode == 1
    assert "iris_line_words.json has no words for the IRIS line '2.6.0'" in done.stderr
