"""Remove the files the chosen module type and preset do not use, start a git repository, say what to do next."""

import json
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

MODULE_TYPE = "{{ cookiecutter.module_type }}"
PACKAGE = "{{ cookiecutter.__package_name }}"
INIT_GIT = {{ cookiecutter._init_git | python_literal }}
AUTHOR = {{ cookiecutter.author | python_literal }}
EMAIL = {{ cookiecutter.email | python_literal }}
CONTEXT = json.loads({{ cookiecutter | tojson | python_literal }})
# The answers' order in the context (tojson sorts them): cruft writes them in this order.
CONTEXT_ORDER = json.loads({{ cookiecutter.keys() | list | tojson | python_literal }})
TEMPLATE_DIR = Path({{ template_dir | python_literal }})
# The template as cruft and the README name it: a URL or gh:... as given, a local path as the
# absolute path cookiecutter read (a relative one was relative to wherever it ran).
RECORDED_TEMPLATE = {{ recorded_template(cookiecutter) | python_literal }}
PRIVATE_ANSWERS = json.loads({{ private_answers | tojson | python_literal }})

# Files of presets other than the chosen one.
UNUSED_FILES = [
{%- for path in unused_files(cookiecutter) %}
    Path({{ path | python_literal }}),
{%- endfor %}
]
FILES_OF_TYPE = {
    "processor": [Path(PACKAGE, "processor.py"), Path(PACKAGE, "iris_hooks.py"), Path("tests/test_hooks.py")],
    "pipeline": [Path(PACKAGE, "pipeline.py"), Path("tests/test_pipeline.py")],
}


def remove_unused_files():
    other_type = [path for module_type, files in FILES_OF_TYPE.items() if module_type != MODULE_TYPE for path in files]
    for path in UNUSED_FILES + other_type:
        path.unlink()
        if not any(path.parent.iterdir()):  # a folder of a preset's own, such as examples/
            path.parent.rmdir()


def record_answers():
    """Write the answers where cruft, and cookiecutter as a config file, can bake the project again.

    cruft passes a re-bake only the answers whose name does not start with ``_``; the private
    answers (``_hooks``, ``_license``...) reach it as cookiecutter's ``default_context`` when
    it runs as ``COOKIECUTTER_CONFIG=.cruft.json cruft ...``.

    cruft writes ``.cruft.json`` itself when it bakes, so there is one writer of each version:
    ``cruft create`` writes it after this hook, so the file committed here is the one cruft
    writes, byte for byte, and the new project's tree is clean; the bakes ``cruft update``
    compares get none, so an update changes only its commit, without a conflict.
    """
    if "_commit" in CONTEXT:  # only cruft gives the template's commit to a bake
        if not regenerated_by_cruft():
            Path(".cruft.json").write_text(cruft_record(), encoding="utf-8")
        return
    context = {key: value for key, value in CONTEXT.items() if key not in ("_output_dir", "_repo_dir")}
    context["_template"] = RECORDED_TEMPLATE
    record = {
        "template": RECORDED_TEMPLATE,
        "commit": template_commit(),
        "checkout": context.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        "skip": [".git", ".cruft.json"],  # cruft keeps this file itself
        "default_context": {key: CONTEXT[key] for key in PRIVATE_ANSWERS},
    }
    Path(".cruft.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def cruft_record():
    """What ``cruft create`` writes (cruft's create.py and json_dumps), its checkout and directory as without options."""
    context = {key: CONTEXT[key] for key in CONTEXT_ORDER}
    record = {"template": context["_template"], "commit": context["_commit"], "checkout": None,
              "context": {"cookiecutter": context}, "directory": None}  # fmt: skip
    return json.dumps(record, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"


def template_commit():
    """The template's git commit, when it is baked from a git checkout; cruft updates from it."""
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run([git, "rev-parse", "--show-toplevel", "HEAD"], cwd=TEMPLATE_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    toplevel, commit = done.stdout.split()
    return commit if Path(toplevel).resolve() == TEMPLATE_DIR.resolve() else None


def regenerated_by_cruft():
    """cruft bakes the project again into a fresh temporary folder to compute a diff or an update.

    Those bakes are not the user's project: they get no repository and print nothing (cruft
    says what it did). ``cruft create``, which bakes where the user asked, is a first bake.
    """
    return "_commit" in CONTEXT and Path.cwd().parent.parent == Path(tempfile.gettempdir()).resolve()


def init_git():
    """A repository with the baked files as its first commit; a line saying why not otherwise."""
    git = shutil.which("git")
    if git is None:
        return "git is not installed: no repository created."

    def run(*args):
        return subprocess.run([git, *args], capture_output=True, text=True)

    outer = run("rev-parse", "--show-toplevel")
    if outer.returncode == 0:
        toplevel = Path(outer.stdout.strip())
        where = "the template's own checkout" if toplevel.resolve() == TEMPLATE_DIR.resolve() else "the git repository"
        return (
            f"No git repository created: the project is inside {where} {toplevel}, and a repository"
            " inside another is easily lost. Commit it there, or move the folder out (or bake with"
            " -o somewhere else) and run `git init`."
        )
    run("init", "-q")
    run("add", "-A")
    # The author's answers stand in only where git has no identity of its own.
    identity = []
    if run("config", "user.email").returncode != 0 and EMAIL:
        identity = ["-c", f"user.name={AUTHOR}", "-c", f"user.email={EMAIL}"]
    if run(*identity, "commit", "-q", "-m", "Baked from iris-skeleton-module").returncode != 0:
        return "Git repository created; git has no user.name/user.email, so commit the files yourself."
    return "Git repository created, with the baked files as the first commit."


# The places left for the user's code: a comment or a line that starts a to-do, not a text
# that talks about them.
TODO_MARKER = re.compile(r"#\s*TODO\b|\bTODO:")


def todo_count():
    texts = (
        path.read_text(encoding="utf-8")
        for folder in (Path(PACKAGE), Path("tests"))
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in (".py", ".html", ".md", ".json")
    )
    # Every marker holds the word, and finding it is much faster than the pattern's search.
    return sum(len(TODO_MARKER.findall(text)) for text in texts if "TODO" in text)


def next_steps(git_line):
    project = Path.cwd()
    return f"""
Created {project}, a {MODULE_TYPE} module.{git_line} Next:
  cd {shlex.quote(str(project))}
  make dev && . .venv/bin/activate   # on IRIS's Python where there is one, under IRIS's pins
  make test       # its tests, against a fake IRIS
  make check      # what IRIS's loader and health check will say
  grep -rnE '# TODO|TODO:' {PACKAGE} tests    # {todo_count()} places for your own logic
  make wheel      # dist/*.whl
  make install    # into IRIS's app and worker containers (docker; ENGINE=podman)
Then in IRIS: Manage > Advanced > Modules > Add module > {PACKAGE}
"""


if __name__ == "__main__":
    remove_unused_files()
    record_answers()
    if not regenerated_by_cruft():
        print(next_steps(f"\n{init_git()}" if INIT_GIT else ""))
