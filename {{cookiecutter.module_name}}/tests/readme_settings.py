"""README.md's settings table, written from config.CONFIGURATION: config.py is the one list of settings.

The template wrote the table with this same code when the project was baked. After you
change a setting in config.py, write it again:  python tests/readme_settings.py <package>
(tests/test_readme.py fails until the table and config.py agree).
"""

import importlib
import json
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = ["| Setting | Type | Default | Mandatory | What it does |", "| --- | --- | --- | --- | --- |"]


def table(configuration):
    """The Markdown table of the settings, one row each, in config.py's order."""
    rows = [
        f"| `{entry['param_name']}` | {entry['type']} | {_code(entry['default'])} |"
        f" {'yes' if entry['mandatory'] else 'no'} | {_text(entry['param_description'])} |"
        for entry in configuration
    ]
    return "\n".join(HEADER + rows)


def written(readme_text):
    """The settings table in the README's text, as it is there; None when it has none."""
    lines = readme_text.splitlines()
    if HEADER[0] not in lines:
        return None
    start = lines.index(HEADER[0])
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[start:end])


def rewrite(readme_text, configuration):
    """The README's text with its settings table written from ``configuration``."""
    old = written(readme_text)
    if old is None:
        raise ValueError(f"README.md has no settings table: add a line {HEADER[0]!r} where it goes")
    return readme_text.replace(old, table(configuration), 1)


def _code(value):
    """A default as code in a cell: a bool as true or false, None as nothing."""
    text = "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value)
    return "`" + _text(text).replace("`", "'") + "`" if text else ""


def _text(text):
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/readme_settings.py <package>")
    sys.path.insert(0, str(README.parent))
    config = importlib.import_module(f"{sys.argv[1]}.config")
    README.write_text(rewrite(README.read_text(encoding="utf-8"), config.CONFIGURATION), encoding="utf-8")
    print(f"README.md: the settings table now lists the {len(config.CONFIGURATION)} settings of config.py")
