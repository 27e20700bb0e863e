"""README.md's settings table is config.py's: written from it when baked, checked here after every change."""

import importlib

import readme_settings

ENTRY = {"param_name": "api_url", "param_human_name": "API URL", "param_description": "Root | of the API.",
         "default": "https://x.example/`v1`", "mandatory": True, "type": "string"}  # fmt: skip


def test_the_readme_lists_the_settings_of_config_py(package):
    configuration = importlib.import_module(f"{package.__name__}.config").CONFIGURATION
    readme = readme_settings.README.read_text(encoding="utf-8")

    assert readme_settings.written(readme) == readme_settings.table(configuration), (
        f"README.md's settings table is not config.py's: run `python tests/readme_settings.py {package.__name__}`"
    )


def test_the_table_is_rewritten_and_the_rest_of_the_readme_kept():
    readme = "# Module\n\n## Settings\n\n" + readme_settings.table([]) + "\n\nAfter the table.\n"
    changed = {**ENTRY, "default": "", "mandatory": False}

    rewritten = readme_settings.rewrite(readme_settings.rewrite(readme, [ENTRY]), [changed])

    assert rewritten == readme.replace(
        readme_settings.table([]), readme_settings.table([]) + "\n| `api_url` | string |  | no | Root \\| of the API. |"
    )


def test_a_cell_cannot_break_the_table():
    row = readme_settings.table([ENTRY]).splitlines()[-1]

    assert row == "| `api_url` | string | `https://x.example/'v1'` | yes | Root \\| of the API. |"
