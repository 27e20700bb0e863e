"""Run inside a baked project with the HTTP helper: how long a call takes against a hostile server.

Prints JSON: seconds until OutOfTime for a server that answers a byte every 0.05 s and for a silent
one, with time_budget=2, timeout=6, retries=3 (before the whole-call deadline: 20 s and 24 s).
"""

import json
import sys
import time
from types import SimpleNamespace

sys.path.insert(0, "tests")
sys.path.insert(0, ".")
from fake_service import SlowService  # noqa: E402

package = __import__(sys.argv[1], fromlist=["http_session"])
http_session = package.http_session
SETTINGS = SimpleNamespace(timeout=6, retries=3, verify_tls=True, ca_bundle="", requests_per_minute=0, time_budget=2)

figures = {}
for name, pace in (("slow answer", 0.05), ("silent server", None)):
    with SlowService(pace=pace, size=400) as slow:
        started = time.monotonic()
        try:
            http_session.new_session(SETTINGS, {}).get(f"{slow.url}/x")
            outcome = "answered"
        except http_session.OutOfTime:
            outcome = "OutOfTime"
        figures[name] = {"seconds": round(time.monotonic() - started, 2), "outcome": outcome}
print(json.dumps(figures))
