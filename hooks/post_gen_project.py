"""Remove the files the chosen module type does not use."""

from pathlib import Path

MODULE_TYPE = "{{ cookiecutter.module_type }}"
PACKAGE = Path("{{ cookiecutter.__package_name }}")

FILES_OF_TYPE = {
    "processor": [PACKAGE / "processor.py", Path("tests/test_hooks.py")],
    "pipeline": [PACKAGE / "pipeline.py", Path("tests/test_pipeline.py")],
}

for module_type, files in FILES_OF_TYPE.items():
    if module_type != MODULE_TYPE:
        for path in files:
            path.unlink()
