"""ioc-enrichment's requests-a-minute limit in a real IRIS that runs hook tasks in several worker processes.

IRIS queues one task per IOC and runs them at once, one per worker process (iris-facts, "Production
conditions"). The limit is shared through IRIS's PostgreSQL (the baked request_slots.py): a stand-in
VirusTotal that refuses past the quota refuses nothing, and every IOC is enriched.
"""

from .deploy import add, assert_iris_unharmed, assert_no_secret_kept, bake_and_install
from .iris_line import LINE
from .scenarios import Scenario, unique

PER_MINUTE = 3  # a request every 20 s
IOCS = 4  # one more than a minute's quota: the last must wait for the first to leave the minute


def test_a_burst_of_iocs_stays_under_the_quota_across_worker_processes(rig, bake, stand_ins):
    answers = {"module_type": "processor", "preset": "ioc-enrichment", "keyword": "e2equota",
               "iris_version": LINE.iris_version}  # fmt: skip
    module = bake_and_install(rig, bake, answers)
    try:
        assert_iris_unharmed(module)
        vt = stand_ins.virustotal(module.folder)
        vt.service.quota(PER_MINUTE, vt.answers.quota_exceeded())
        add(module, {"api_url": vt.url, "api_key": unique("SECRET-api-key"), "retries": 0,
                     "requests_per_minute": PER_MINUTE, "time_budget": 120})  # fmt: skip
        values = [f"{unique()}.example.org" for _ in range(IOCS)]
        for value in values:
            vt.answer("domains", value, vt.answers.found("domain", value, harmless=1))

        with rig.iris.more_workers(2):  # three worker processes take the IOCs' tasks at once
            for value in values:
                rig.api.add_ioc(value, "domain")
            module.wait("on_postload_ioc_create", count=IOCS, timeout=180)  # the last IOC waits a minute
        Scenario(module, None).succeeded("on_postload_ioc_create", count=IOCS)

        assert vt.service.refused == [], f"VirusTotal refused {vt.service.refused}: the quota was not shared"
        arrivals = sorted(vt.service.arrivals)
        gaps = [round(later - earlier, 1) for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
        assert len(arrivals) == IOCS and min(gaps) >= 60 / PER_MINUTE - 1, gaps
        rig.figures["quota: seconds between requests"] = gaps
        assert_no_secret_kept(module)
    finally:
        rig.forget(module)
