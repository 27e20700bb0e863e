"""Every type x preset, baked and installed with its own `make install`, driven in a real IRIS like an analyst.

For each variant: the baked project's own `make try` installs it (IRIS's venv keeps its pins and IRIS
restarts), adds, configures and enables it through the API and runs it on its samples in a throwaway
case, every task a success; then what its hooks answer is created, its manual hooks are fired; each DIM
task succeeds and its effect is read back from IRIS; no secret setting is kept in task results or logs.
A new preset joins the matrix by itself (``code_variants``) and fails until it has a scenario below.
"""

import pytest
from conftest import code_variants, variant_id

from . import scenarios
from .deploy import assert_iris_unharmed, assert_no_secret_kept, bake_and_try
from .iris_line import LINE

# Defects still open, each named by its issue: xfail(strict=True) until fixed. {(module_type, preset): reason}; none today.
KNOWN_DEFECTS = {}


def variants():
    for answers in code_variants():
        if answers["iris_version"] != LINE.iris_version:
            continue  # the variants of the line the real IRIS here runs (iris_line.py)
        reason = KNOWN_DEFECTS.get((answers["module_type"], answers["preset"]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(answers, marks=marks, id=variant_id(answers))


# hunt last: its install is undone after it (Rig.forget) like any other's, but last costs nothing if not.
@pytest.mark.parametrize("answers", sorted(variants(), key=lambda param: param.values[0]["preset"] == "hunt"))
def test_variant_works_in_a_real_iris(rig, bake, answers, stand_ins):
    scenario = scenarios.SCENARIOS.get((answers["module_type"], answers["preset"]))
    if scenario is None:
        pytest.fail(f"No e2e scenario for {variant_id(answers)}: add one to tests/e2e/scenarios.py")
    module, driver = bake_and_try(rig, bake, answers, scenario, stand_ins)
    rig.figures[f"make try {variant_id(answers)}"] = round(module.install.seconds, 2)
    try:
        assert_iris_unharmed(module)
        assert module.install.returncode == 0 and "\nOK: " in module.install.output, module.install.output
        driver.run()
        assert_no_secret_kept(module)
    finally:
        rig.forget(module)
