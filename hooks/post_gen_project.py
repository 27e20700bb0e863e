"""Remove the files the chosen module type and preset do not use, start a git repository, say what to do next."""

import json
import shutil
import subprocess
from pathlib import Path

MODULE_TYPE = "{{ cookiecutter.module_type }}"
PACKAGE = "{{ cookiecutter.__package_name }}"
FOLDER = "{{ cookiecutter.module_name }}"
INIT_GIT = {{ cookiecutter.init_git | python_literal }}
AUTHOR = {{ cookiecutter.author | python_literal }}
EMAIL = {{ cookiecutter.email | python_literal }}
CONTEXT = json.loads({{ cookiecutter | tojson | python_literal }})
TEMPLATE_DIR = Path({{ template_dir | python_literal }})

# Files of presets other than the chosen one.
UNUSED_FILES = [
{%- for path in unused_files(cookiecutter) %}
    Path({{ path | python_literal }}),
{%- endfor %}
]
FILES_OF_TYPE = {
    "processor": [Path(PACKAGE, "processor.py"), Path("tests/test_hooks.py")],
    "pipeline": [Path(PACKAGE, "pipeline.py"), Path("tests/test_pipeline.py")],
}


def remove_unused_files():
    other_type = [path for module_type, files in FILES_OF_TYPE.items() if module_type != MODULE_TYPE for path in files]
    for path in UNUSED_FILES + other_type:
        path.unlink()


def record_answers():
    """Write the answers where cruft (and cookiecutter --replay-file) can bake the project again."""
    context = {key: value for key, value in CONTEXT.items() if key not in ("_output_dir", "_repo_dir")}
    # A URL or gh:... is recorded as given; a local path, which was relative to wherever
    # cookiecutter ran, as the template's absolute path.
    remote = "://" in context["_template"] or context["_template"].startswith(("gh:", "gl:", "bb:", "git@"))
    record = {
        "template": context["_template"] if remote else str(TEMPLATE_DIR),
        "commit": template_commit(),
        "checkout": context.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        "skip": [".git", ".cruft.json"],  # cruft keeps this file itself
    }
    Path(".cruft.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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


def init_git():
    """A repository with the baked files as its first commit; a line saying why not otherwise."""
    git = shutil.which("git")
    if git is None:
        return "git is not installed: no repository created."

    def run(*args):
        return subprocess.run([git, *args], capture_output=True, text=True)

    if run("rev-parse", "--is-inside-work-tree").returncode == 0:
        return "Already inside a git repository: no repository created."
    run("init", "-q")
    run("add", "-A")
    # The author's answers stand in only where git has no identity of its own.
    identity = []
    if run("config", "user.email").returncode != 0 and EMAIL:
        identity = ["-c", f"user.name={AUTHOR}", "-c", f"user.email={EMAIL}"]
    if run(*identity, "commit", "-q", "-m", "Baked from iris-skeleton-module").returncode != 0:
        return "Git repository created; git has no user.name/user.email, so commit the files yourself."
    return "Git repository created, with the baked files as the first commit."


def todo_count():
    marker = "TO" + "DO"  # spelled apart so that this hook is not itself a match
    return sum(path.read_text(encoding="utf-8").count(marker) for path in Path(".").rglob("*.py"))


def next_steps(git_line):
    return f"""
Created {FOLDER}, a {MODULE_TYPE} module.{git_line} Next:
  cd {FOLDER}
  python3 -m venv .venv && . .venv/bin/activate && make dev
  make test       # its tests, against a fake IRIS
  make check      # what IRIS's loader and health check will say
  grep -rn TODO {PACKAGE} tests    # {todo_count()} places for your own logic
  make wheel      # dist/*.whl
  make install    # into IRIS's app and worker containers (docker; ENGINE=podman)
Then in IRIS: Manage > Advanced > Modules > Add module > {PACKAGE}
"""


if __name__ == "__main__":
    remove_unused_files()
    record_answers()
    print(next_steps(f" {init_git()}" if INIT_GIT else ""))
