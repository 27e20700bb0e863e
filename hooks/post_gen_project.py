"""Remove the files the chosen module type does not use, then say what to do next."""

from pathlib import Path

MODULE_TYPE = "{{ cookiecutter.module_type }}"
PACKAGE = "{{ cookiecutter.__package_name }}"
FOLDER = "{{ cookiecutter.module_name }}"

FILES_OF_TYPE = {
    "processor": [Path(PACKAGE, "processor.py"), Path("tests/test_hooks.py")],
    "pipeline": [Path(PACKAGE, "pipeline.py"), Path("tests/test_pipeline.py")],
}


def remove_other_type():
    for module_type, files in FILES_OF_TYPE.items():
        if module_type != MODULE_TYPE:
            for path in files:
                path.unlink()


def todo_count():
    marker = "TO" + "DO"  # spelled apart so that this hook is not itself a match
    return sum(path.read_text(encoding="utf-8").count(marker) for path in Path(".").rglob("*.py"))


def next_steps():
    return f"""
Created {FOLDER}, a {MODULE_TYPE} module. Next:
  cd {FOLDER}
  python3 -m venv .venv && . .venv/bin/activate && make dev
  make test       # its tests, against a fake IRIS
  make check      # what IRIS's loader and health check will say
  grep -rn TODO {PACKAGE} tests    # {todo_count()} places for your own logic
  make wheel      # dist/*.whl
  make install    # into IRIS's app and worker containers (docker; ENGINE=podman)
Then in IRIS: Manage > Modules > Add module > {PACKAGE}
"""


if __name__ == "__main__":
    remove_other_type()
    print(next_steps())
