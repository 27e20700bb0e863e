"""Under pytest-xdist, every e2e test goes to the same worker, so only one IRIS comes up.

xdist's ``--dist loadgroup`` would do it from ``xdist_group`` marks, but with pytest 9.2 it
silently stops grouping: it renames node ids, which pytest no longer lets it do (pytest-xdist
issue #1386). This scheduler groups by path instead: tests/e2e/ is one unit of work, every
other test is a unit of its own, as with ``--dist load``.
"""

from xdist.scheduler import LoadGroupScheduling

SUITE = "e2e"


def in_suite(nodeid):
    return f"/{SUITE}/" in "/" + nodeid.split("::")[0]


class OneWorkerForE2E(LoadGroupScheduling):
    def _split_scope(self, nodeid):
        return SUITE if in_suite(nodeid) else super()._split_scope(nodeid)
