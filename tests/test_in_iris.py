"""Each baked README says what the module does in IRIS for the people who use it, written from the preset's data
(rules/in_iris.py), and names only tags, tabs and file fields that the baked code has."""

import re

import pytest
from conftest import code_variants, rules, variant_id

HEADING = rules.in_iris.HEADING
KEYWORD = "usersee"
# One bake per module type x preset: what this part says does not depend on the IRIS line.
LINE = rules.lines.default().iris_version
VARIANTS = [answers for answers in code_variants() if answers["iris_version"] == LINE]


def part_of(readme):
    """The README's "What it does in IRIS", up to the next heading of its level."""
    assert readme.count(HEADING) == 1, "not one 'What it does in IRIS' part"
    start = readme.index(HEADING)
    return readme[start : readme.index("\n## ", start + 1)]


def package_source(folder):
    (package,) = [path for path in folder.iterdir() if (path / "__init__.py").is_file()]
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py")))


def settings_table(readme):
    """(name, default) of each row of the README's settings table."""
    rows = re.findall(r"^\| `(\w+)` \| \w+ \| (`[^|]*`)? \|", readme, re.MULTILINE)
    return [(name, default.strip("`")) for name, default in rows]


@pytest.mark.parametrize("answers", VARIANTS, ids=variant_id)
def test_the_readme_says_what_the_module_does_in_iris_from_the_presets_data(bake, answers):
    folder = bake(keyword=KEYWORD, **answers)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    part = part_of(readme)
    preset = rules.presets.PRESETS[answers["preset"]]

    assert readme.index(HEADING) < readme.index("## Install into IRIS")  # users read it before the install
    for key, sentences in preset.in_iris.items():
        assert rules.in_iris.TITLES[key] in part and len(sentences) >= 1
    assert not re.search(r"\{(keyword|menu|setting\[|default\[)", part), "a placeholder left unrendered"
    hooks = re.findall(r"^\| `(on_\w+)` \|", readme, re.MULTILINE)
    assert all(f"(`{hook}`)" in part for hook in hooks), "a hook the module answers is not said"
    settings = settings_table(readme)
    assert settings, "no settings table to compare with"
    for name, _ in settings:
        if name not in hooks:  # the hooks' switches are said under "When it runs"
            assert re.search(rf"^- \*\*[^*]+\*\* \(`{name}`\): ", part, re.MULTILINE), f"setting {name} not said"


@pytest.mark.parametrize("answers", VARIANTS, ids=variant_id)
def test_the_tags_and_tabs_it_names_are_those_the_code_writes(bake, answers):
    folder = bake(keyword=KEYWORD, **answers)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    part, source = part_of(readme), package_source(folder)

    named = set(re.findall(rf"`{KEYWORD}:([\w-]+)`", part))
    assert all(re.search(rf'[":]{re.escape(tag)}"', source) for tag in named), f"a tag the code never writes: {named}"
    written = set(re.findall(r'\{TAG_PREFIX\}:([\w-]+)"', source))
    assert written <= named, f"tags the code writes and the README does not say: {written - named}"
    defaults = {default for _, default in settings_table(readme)}
    for tab in re.findall(r"\*\*([^*]+)\*\* tab", part):
        assert f'"{tab}"' in source or tab in defaults, f"the {tab} tab is not one the code writes"


def test_the_file_fields_an_analyst_is_told_to_upload_are_those_the_pipeline_reads(bake):
    folder = bake(keyword=KEYWORD, module_type="pipeline", preset="evidence-ingest")
    gives = part_of((folder / "README.md").read_text(encoding="utf-8")).split(rules.in_iris.TITLES["gives"])[1]
    (fields,) = re.findall(r"^FIELDS = \(([^)]*)\)", package_source(folder), re.MULTILINE)

    told = re.findall(r"`(\w+)`", gives.split("\n\n")[1])
    assert set(told) == set(re.findall(r'"(\w+)"', fields))


def test_a_preset_says_nothing_but_what_users_see_type_and_never_get():
    with pytest.raises(ValueError, match="in_iris holds lists of sentences named sees, gives, never"):
        rules.presets._in_iris({"sees": ["a"], "maybe": ["b"]}, "preset.json")
    with pytest.raises(ValueError, match="in_iris holds lists"):
        rules.presets._in_iris({"sees": "one sentence"}, "preset.json")
