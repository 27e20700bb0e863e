"""The baked tests go on catching what they catch: a mutation run of a blank processor's glue stays at its bar.

The full run, every file of every type x preset, is the benchmark's (benchmarks/mutation.py); here only
the glue of the quickest bake that has it (base, processor, context, settings), with the tests that
are about the glue, so the check takes about a minute on one core.
"""

import sys

from conftest import ROOT, rules

sys.path.insert(0, str(ROOT / "benchmarks"))
import mutation  # noqa: E402  (benchmarks/mutation.py)

VARIANT = {"module_type": "processor", "preset": "blank", "iris_version": rules.lines.default().iris_version}
GLUE = ["base.py", "processor.py", "context.py", "settings.py"]
TESTS = ["tests/test_hooks.py", "tests/test_settings_reading.py", "tests/test_config.py", "tests/test_fail_closed.py"]


def test_the_glue_of_a_blank_processor_stays_at_its_mutation_bar(tmp_path):
    table, survivors, _ = mutation.measure(VARIANT, files=GLUE, tests=TESTS, keep=tmp_path)

    assert {"base.py", "processor.py", "settings.py"} <= set(table), table  # context.py: mutmut skips its one method
    scores = {file: f"{row['score']:.1%}" for file, row in table.items()}
    listed = (tmp_path / "processor-blank.txt").read_text(encoding="utf-8")
    assert mutation.under_bar(table) == [], f"under the bar ({mutation.BARS['base.py']:.0%}): {scores}\n{listed}"
