"""For ``cruft update`` from a project baked before the rules became a package: not used otherwise.

cruft bakes the project's own commit, then the latest, in one process. The Jinja extension of
a commit before that change (its ``iris_skeleton_extension.py``) stays imported for the second
bake, reads this file again and calls ``AnswerFilters(environment)``: here it gets the filters
of the commit now checked out.
"""

import runpy
from pathlib import Path

load_rules = runpy.run_path(str(Path(__file__).with_name("iris_skeleton_extension.py")))["load_rules"]
AnswerFilters = load_rules().filters.AnswerFilters
