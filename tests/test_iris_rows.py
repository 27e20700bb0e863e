"""Each line's iris_rows.json holds the IOC types a fresh IRIS database has, and the format IRIS's source gives each.

Both are read here from the line's own post_init.py, so the data stays what IRIS's source says: the baked fake IRIS
names the types, and the evidence-ingest preset checks values against the formats (its ioc_formats.py).
"""

import ast
import warnings

import pytest
from conftest import LINES
from this_machine import iris_web_source


def created_ioc_types(post_init):
    """``[(type_name, {"regex", "expect"})]`` in the order create_safe_ioctypes() creates them; None where unset."""
    with warnings.catch_warnings():  # its regexes are written '.+\|...', an escape Python warns about
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(post_init)
    (function,) = [node for node in ast.walk(tree) if getattr(node, "name", "") == "create_safe_ioctypes"]
    created = []
    for call in ast.walk(function):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "create_safe_limited":
            given = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
            regex = given.get("type_validation_regex")
            created.append((given["type_name"], {"regex": regex, "expect": given.get("type_validation_expect")}))
    return created


@pytest.mark.parametrize("target", LINES.values(), ids=LINES.keys())
def test_the_rows_hold_each_ioc_type_and_its_format_as_iris_source_gives_them(target):
    created = created_ioc_types(iris_web_source(target, "source/app/post_init.py"))

    assert target.rows["ioc_types"] == [name for name, _ in created]
    assert target.rows["ioc_type_formats"] == {name: check for name, check in created if check["regex"]}
    assert target.rows["ioc_type_formats"]["md5"] == {"regex": "[a-f0-9]{32}", "expect": "32 hexadecimal characters"}
