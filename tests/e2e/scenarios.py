"""What an analyst does with each type x preset in IRIS, and what IRIS must show afterwards.

A scenario gives the settings the module needs (``settings``), then creates what its hooks answer,
fires its manual hooks, waits for the DIM tasks and reads the effect back through the API (``run``).
"""

import base64
import hashlib
import json
import random
import re
import uuid

import yaml

from .iris_api import CASE


def unique(text="e2e"):
    return f"{text}-{uuid.uuid4().hex[:10]}"


class Scenario:
    def __init__(self, module, stand_ins):
        self.module, self.stand_ins = module, stand_ins
        self.api = module.rig.api

    def settings(self):
        return {}

    def run(self):
        raise NotImplementedError

    def succeeded(self, hook, count=1):
        """Wait for ``count`` DIM tasks of this module for ``hook``; each must be a success. Their details."""
        rows = self.module.wait(hook, count)
        details = self.module.tasks(hook)
        failed = [row for row in rows if row["state"] != "success"]
        assert not failed, f"{hook} failed in IRIS: " + "; ".join(
            f"{row['message']} {row['logs']} {row['traceback'][-2000:]}" for row in details if not row["success"]
        )
        return details

    def fire(self, hook, kind, *targets):
        """What the object's menu entry "Run <module>" does in IRIS's UI."""
        self.api.call_manual_hook(hook, self.module.package, self.module.menu_label, kind, targets)


class BlankProcessor(Scenario):
    """Hooks on_postload_ioc_create and on_manual_trigger_ioc (the blank preset's default): each task succeeds."""

    def run(self):
        ioc = self.api.add_ioc(unique() + ".example.org", "domain")["data"]
        self.succeeded("on_postload_ioc_create")
        self.fire("on_manual_trigger_ioc", "ioc", ioc["ioc_id"])
        self.succeeded("on_manual_trigger_ioc")


class Pipeline(Scenario):
    """Upload files in the case's "Update case" dialog, then run the pipeline (manage_cases_routes.py:377, 439)."""

    def upload(self, name, content, expect="success"):
        fields = {"is_update": "true", "pipeline": self.module.pipeline}
        path = f"/manage/cases/upload_files?cid={CASE}"
        return self.api.post(path, files={"file": (name, content)}, fields=fields, expect=expect)

    def trigger(self, **args):
        body = {"pipeline": self.module.pipeline, **{f"args_{name}": value for name, value in args.items()}}
        return self.api.post(f"/manage/cases/trigger-pipeline?cid={CASE}", body)

    def folder(self):
        """Where the uploads are kept (build_upload_path, iris_engine/utils/common.py): 2.4.20's
        $IRIS_UPLOADED_PATH/<customer>/<case>/<module>/ (line 25), the case as "#<id> - <name>" with
        spaces as "_"; develop passes that path through secure_filename (a4d5121f, line 43), so one
        folder <customer>_<case>_<module>. Case #1's: `make try` uploads into a case of its own."""
        uploads, package = self.module.rig.iris.uploads, self.module.package
        (folder,) = [*uploads.glob(f"*/#{CASE}_-_*/{package}"), *uploads.glob(f"*_{CASE}_-_*_{package}")]
        return folder


class BlankPipeline(Pipeline):
    """A file uploaded and processed: the task succeeds, its summary counts the records, the file is kept aside."""

    def run(self):
        self.upload("records.txt", b"one\ntwo\nthree\n")
        self.trigger()
        (task,) = self.succeeded("pipeline_update")
        assert task["message"] == "1 of 1 file(s) processed", task
        assert "3 record(s) read" in task["result"], task
        (kept,) = (self.folder() / "processed").glob("records-*Z.txt")  # under a name of its own: never overwritten
        assert kept.read_bytes() == b"one\ntwo\nthree\n" and f"processed/{kept.name}" in task["result"], task
        assert not (self.folder() / "records.txt").exists()


class IocEnrichment(Scenario):
    """IOCs looked up in VirusTotal API v3 (the baked fake): an escaped report tab and a verdict tag that replaces the last.

    A malicious answer gives ``<kw>:malicious`` and its detections in the tab; a later answer with
    another verdict replaces the tag; VT's 404 NotFoundError gives ``<kw>:not-found``; an IOC
    that fails (VT refuses it) is named in the status and the next IOC of the call is still looked up.
    A mistyped setting fails every call, naming it, and VT hears nothing.
    """

    HOSTILE = "<script>alert('e2e')</script>"

    def settings(self):
        self.vt = self.stand_ins.virustotal(self.module.folder)
        # No spacing of requests (VT's free quota is 4 a minute) and no retries: the suite's stand-in
        # answers at once, and each answer is scripted.
        self.key = unique("SECRET-api-key")
        # What VirusTotal knows of the preset's make-try sample (tools/try_samples.json): the EICAR test file.
        (sample,) = json.loads((self.module.folder / "tools" / "try_samples.json").read_text())["ioc"]
        self.sample = sample["ioc_value"]
        self.vt.answer("files", self.sample, self.vt.answers.found("file", self.sample, malicious=60, undetected=10))
        return {"api_url": self.vt.url, "api_key": self.key, "retries": 0, "requests_per_minute": 0, "time_budget": 60}

    def tag(self, verdict):
        return f"{self.module.keyword}:{verdict}"

    def run(self):
        tried = [path for _, path, _ in self.vt.requests]  # make try's, on its sample
        assert tried and set(tried) == {f"/api/v3/files/{self.sample}"}, tried
        answers = self.vt.answers
        value = f"http://{unique()}.example/{self.HOSTILE}"
        url_id = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")  # VT's URL id: unpadded base64url
        engines = {f"Engine{number}": ("malicious", self.HOSTILE if number == 1 else "malware") for number in range(40)}
        engines.update({f"Clean{number}": ("harmless", "clean") for number in range(30)})
        self.vt.answer("urls", url_id, answers.found("url", url_id, malicious=40, harmless=30, results=engines),
                       answers.found("url", url_id, harmless=70))  # fmt: skip
        ioc = self.api.add_ioc(value, "url", tags="analyst-tag")["data"]
        self.succeeded("on_postload_ioc_create")

        stored = self.api.ioc(ioc["ioc_id"])
        assert stored["ioc_tags"].split(",") == ["analyst-tag", self.tag("malicious")], stored["ioc_tags"]
        report = stored["custom_attributes"]["Report"]["Report"]
        assert report["type"] == "html"
        html = report["value"]
        assert "&lt;script&gt;" in html and "<script" not in html, html
        assert "40 / 70" in html, f"the detections are not in the tab: {html}"
        assert f'href="https://www.virustotal.com/gui/url/{url_id}"' in html, f"no link to VT's page: {html}"
        assert "<details>" in html and "last_analysis_stats" in html, f"no raw answer in the tab: {html}"

        # The analyst asks again (the IOC's menu); VT's verdict changed: the tag is replaced, not added.
        self.fire("on_manual_trigger_ioc", "ioc", ioc["ioc_id"])
        self.succeeded("on_manual_trigger_ioc")
        stored = self.api.ioc(ioc["ioc_id"])
        assert stored["ioc_tags"].split(",") == ["analyst-tag", self.tag("harmless")], stored["ioc_tags"]
        assert "0 / 70" in stored["custom_attributes"]["Report"]["Report"]["value"]
        self.api.update_ioc(ioc["ioc_id"], ioc_description="seen again")
        self.succeeded("on_postload_ioc_update")
        assert self.api.ioc(ioc["ioc_id"])["ioc_tags"].split(",") == ["analyst-tag", self.tag("harmless")]

        asked = [(path, headers.get("x-apikey")) for _, path, headers in self.vt.requests[len(tried) :]]
        assert asked and all(key == self.key for _, key in asked), asked
        assert {path for path, _ in asked} == {f"/api/v3/urls/{url_id}"}, f"the IOC value changed the path: {asked}"
        # The secret search reads what IRIS keeps: the IOC's value is in its tasks' data and the logs.
        assert self.module.rig.where_secret_appears(value), "the secret search sees nothing IRIS kept"

        unknown = unique() + ".example.org"
        self.vt.answer("domains", unknown, answers.not_found(f"Domain {unknown!r}"))
        unknown = self.api.add_ioc(unknown, "domain")["data"]
        self.succeeded("on_postload_ioc_create", count=2)
        assert self.api.ioc(unknown["ioc_id"])["ioc_tags"] == self.tag("not-found")

        # One call, two IOCs: VT refuses the first; the second is still looked up.
        # 192.0.2.0/24: no other scenario uses it, so this value is new to the case and its create hook fires.
        refused, good = f"192.0.2.{uuid.uuid4().int % 250 + 1}", unique() + ".example.net"
        self.vt.answer("ip_addresses", refused, answers.wrong_key())
        self.vt.answer("domains", good, answers.found("domain", good, suspicious=2, harmless=60),
                       answers.found("domain", good, malicious=5, harmless=60))  # fmt: skip
        refused = self.api.add_ioc(refused, "ip-dst")["data"]
        good = self.api.add_ioc(good, "domain")["data"]
        self.module.wait("on_postload_ioc_create", count=4)
        self.fire("on_manual_trigger_ioc", "ioc", refused["ioc_id"], good["ioc_id"])
        self.module.wait("on_manual_trigger_ioc", count=2)
        task = max(self.module.tasks("on_manual_trigger_ioc"), key=lambda row: row["date_done"])
        assert task["success"] is False, task
        assert "1 of 2 object(s) processed, 1 failed: IOC " + repr(refused["ioc_value"]) in task["message"], task
        assert "401 WrongCredentialsError" in task["message"] and "check the api_key setting" in task["message"], task
        assert self.api.ioc(good["ioc_id"])["ioc_tags"] == self.tag("malicious")
        assert self.api.ioc(refused["ioc_id"])["ioc_tags"] == "", "a refused IOC got a verdict"

        # An admin mistypes a number (IRIS stores it as typed): the module stops before sending anything.
        self.api.set_parameter(self.module.id, "timeout", "3O")
        asked = len(self.vt.requests)
        self.api.add_ioc(unique() + ".example.com", "domain")
        self.module.wait("on_postload_ioc_create", count=5)
        task = max(self.module.tasks("on_postload_ioc_create"), key=lambda row: row["date_done"])
        assert task["success"] is False, task
        assert "Timeout (s) (timeout) holds '3O', which does not read as int" in task["message"], task
        assert len(self.vt.requests) == asked, f"a mistyped setting sent a request: {self.vt.requests[asked:]}"
        self.api.set_parameter(self.module.id, "timeout", "30")


class ExternalSync(Scenario):
    """The case, IOCs and assets mirrored into OpenCTI (the baked strict fake, over HTTP), edits and deletions followed.

    OpenCTI keeps one observable per value: a new value moves the IRIS object to the observable of
    that value (the old one is never renamed), and a deletion takes it out of its incident case
    (the observable stays). Each IRIS object shows its observable's internal id in its OpenCTI tab.
    An IOC is listed in its case's incident case, in IRIS 2.4 in that of each case its IocLink rows tie it
    to (the value added to a second case). Case #1 existed before the module was enabled: its first IOC
    mirrors it first.
    """

    def settings(self):
        self.token = unique("SECRET-api-token")
        self.opencti = self.stand_ins.opencti(self.module.folder, self.token)
        return {"opencti_url": self.opencti.url, "api_token": self.token, "retries": 0, "delete_remote": True}

    def run(self):
        address, moved_to = (f"203.0.113.{number}" for number in random.sample(range(1, 255), 2))
        # make try ran on its samples in a case of its own, then deleted it: its incident went with it.
        assert not self.cases(), f"incidents before the scenario: {[case['name'] for case in self.cases()]}"
        ioc = self.api.add_ioc(address, "ip-dst")["data"]
        self.succeeded("on_postload_ioc_create")
        observable = self.observable(address)
        assert observable["entity_type"] == "IPv4-Addr"
        assert self.remote_id(self.api.ioc(ioc["ioc_id"])) == observable["id"], "not OpenCTI's internal id"
        (alias,) = observable["x_opencti_stix_ids"]  # the IOC's STIX id, kept by OpenCTI as an alias
        case = self.api.case()
        assert self.incident()["name"] == case["case_name"], "the case, opened before the module, was not mirrored"
        assert observable["id"] in self.incident()["objects"], "the IOC is not listed in its case's incident"

        self.api.update_case(case_description=f"mirrored {unique()}")
        self.succeeded("on_postload_case_update")
        assert self.incident()["description"] == self.api.case()["case_description"]  # the same incident, updated

        # The value in a second case: in IRIS 2.4 the same IOC, linked to both (IocLink); later, one IOC per case.
        other = self.api.add_case(unique("second"), "a second case of the IOC")["case_id"]
        self.succeeded("on_postload_case_create")
        self.api.add_ioc(address, "ip-dst", case=other)
        self.succeeded("on_postload_ioc_create", count=2)
        self.listed_as_iris_shows((CASE, other), {address})

        self.api.update_ioc(ioc["ioc_id"], ioc_value=moved_to, ioc_type_id=self.api.ioc_type_id("ip-dst"),
                            ioc_tlp_id=self.api.tlp_id("amber"))  # fmt: skip
        self.succeeded("on_postload_ioc_update")
        old, new, listed = self.observable(address), self.observable(moved_to), self.incident()["objects"]
        assert old["id"] == observable["id"] and alias not in old["x_opencti_stix_ids"], "the old one was not left"
        assert alias in new["x_opencti_stix_ids"] and self.remote_id(self.api.ioc(ioc["ioc_id"])) == new["id"]
        assert new["id"] in listed and old["id"] not in listed, f"the IOC's listing did not move: {listed}"
        self.listed_as_iris_shows((CASE, other), {address, moved_to})  # in 2.4 the second case's moved too
        self.api.delete_case(other)
        self.succeeded("on_postload_case_delete")
        assert [case["name"] for case in self.cases()] == [self.api.case()["case_name"]], "the case was not deleted"

        host, renamed = unique("host"), unique("host")
        asset = self.api.add_asset(host)
        self.succeeded("on_postload_asset_create")
        mirrored = self.observable(host)
        assert mirrored["entity_type"] == "Hostname" and mirrored["id"] in self.incident()["objects"]
        assert self.remote_id(self.api.asset(asset["asset_id"])) == mirrored["id"]
        self.api.post(f"/case/assets/update/{asset['asset_id']}?cid={CASE}",
                      {"asset_name": renamed, "asset_type_id": asset["asset_type_id"]})  # fmt: skip
        self.succeeded("on_postload_asset_update")
        old, new, listed = self.observable(host), self.observable(renamed), self.incident()["objects"]
        assert old["id"] == mirrored["id"], "the shared observable was renamed"
        assert new["id"] in listed and old["id"] not in listed, f"the case's reference did not move: {listed}"

        self.api.delete_ioc(ioc["ioc_id"])
        self.succeeded("on_postload_ioc_delete")
        kept = self.observable(moved_to)
        assert alias not in kept["x_opencti_stix_ids"], "the deleted IOC is still known to OpenCTI"
        assert kept["id"] not in self.incident()["objects"], "the deleted IOC is still listed in the case"
        self.api.post(f"/case/assets/delete/{asset['asset_id']}?cid={CASE}")
        self.succeeded("on_postload_asset_delete")
        kept = self.observable(renamed)
        assert kept["id"] not in self.incident()["objects"], "the deleted asset is still listed in the case"

    def cases(self):
        return [obj for obj in self.opencti.state() if obj["entity_type"] == "Case-Incident"]

    def incident(self, case=CASE):
        """The incident case mirroring IRIS case ``case``, found by its name."""
        name = self.api.case(case)["case_name"]
        (found,) = [obj for obj in self.cases() if obj["name"] == name]
        return found

    def listed_as_iris_shows(self, cases, values):
        """Of the observables of ``values``, each case's incident lists those of the IOC values IRIS shows in the
        case (case #1 holds the IOCs of the suite's other scenarios too)."""
        ours = {value: self.observable(value)["id"] for value in values}
        for case in cases:
            shown = {ioc["ioc_value"] for ioc in self.api.iocs(case)} & set(ours)
            listed = set(self.incident(case)["objects"]) & set(ours.values())
            assert listed == {ours[value] for value in shown}, f"case {case} shows {shown}, its incident lists {listed}"

    def observable(self, value):
        """The one observable of ``value``: OpenCTI keeps one per value."""
        (found,) = [obj for obj in self.opencti.state() if obj.get("value") == value]
        return found

    @staticmethod
    def remote_id(obj):
        return obj["custom_attributes"]["OpenCTI"]["id"]["value"]


class AlertTriage(Scenario):
    """New alerts classified by the rules: severity set by name, tags and a note line once each; triggered again
    after the rules changed, the new verdict replaces the last one's tags and note line."""

    def run(self):
        prefix = self.module.keyword
        urgent = self.api.add_alert(f"{unique()}: mimikatz seen on a server", severity="Low")
        routine = self.api.add_alert(f"{unique()}: disk space", severity="Medium")
        self.succeeded("on_postload_alert_create", count=2)
        self.fire("on_manual_trigger_alert", "alert", urgent["alert_id"])
        self.succeeded("on_manual_trigger_alert")

        urgent, routine = self.api.alert(urgent["alert_id"]), self.api.alert(routine["alert_id"])
        # The rule says "high": IRIS's row named High, whatever its id (manage/severities/list)
        assert self.api.severity_name(urgent["alert_severity_id"]) == "High", urgent["alert_severity_id"]
        assert self.api.severity_name(routine["alert_severity_id"]) == "Medium", routine["alert_severity_id"]
        assert urgent["alert_tags"].split(",") == [f"{prefix}:watched"], urgent["alert_tags"]
        assert routine["alert_tags"].split(",") == [f"{prefix}:routine"], routine["alert_tags"]
        assert urgent["alert_note"].splitlines().count("Triage: mentions 'mimikatz'") == 1, urgent["alert_note"]

        self.api.set_parameter(self.module.id, "watched_words", "ransomware")  # the rules change: a new verdict
        self.fire("on_manual_trigger_alert", "alert", urgent["alert_id"])
        self.succeeded("on_manual_trigger_alert", count=2)
        urgent = self.api.alert(urgent["alert_id"])
        assert urgent["alert_tags"].split(",") == [f"{prefix}:routine"], urgent["alert_tags"]
        verdicts = [line for line in urgent["alert_note"].splitlines() if line.startswith("Triage:")]
        assert verdicts == ["Triage: no rule matched"], urgent["alert_note"]


class EvidenceIngest(Pipeline):
    """Indicator files as analysts upload them: each registered as a case evidence under the name it is kept as,
    each good indicator a case IOC of its IRIS type, once; a line IRIS would refuse is reported by number.

    A spreadsheet's CSV (Excel's "CSV UTF-8": a byte-order mark, CRLF) with an invalid md5 imports, the hash
    reported and never added. Another kind of file is refused at upload; a file the run rejects is set aside in
    rejected/ and never fails a later run; an upload of the same name keeps the first.
    """

    def run(self):
        address, domain = f"198.51.100.{uuid.uuid4().int % 250 + 1}", unique() + ".example.net"
        digest, bad_md5 = hashlib.sha256(unique().encode()).hexdigest(), hashlib.md5(unique().encode()).hexdigest()[1:]
        spreadsheet = (f"Type,Value,Description\r\nip-dst,{address},c2\r\ndomain,{domain},\r\n"
                       f"md5,{bad_md5},one character short\r\nip-dst,,no value\r\n,,\r\n")  # fmt: skip
        files = {
            "ind.csv": spreadsheet.encode("utf-8-sig"),
            "ind.jsonl": (json.dumps({"type": "sha256", "value": digest}) + "\n"
                          + json.dumps({"type": "ip-dst", "value": address}) + "\n").encode(),
        }  # fmt: skip
        for name, content in files.items():
            self.upload(name, content)
        self.trigger()
        (task,) = self.succeeded("pipeline_update")
        assert task["message"] == "2 of 2 file(s) processed", task
        summary = ("2 IOC(s) added, 0 already in the case, 2 bad line(s) left out (line 4: not a md5 value: IRIS"
                   " expects 32 hexadecimal characters; line 5: no value)")  # fmt: skip
        assert summary in task["result"], f"the bad lines are not reported by number: {task['result']}"

        kept = {name: self.kept("processed", name) for name in files}
        evidences = {row["filename"]: row for row in self.api.evidences()}
        for name, content in files.items():
            assert kept[name].read_bytes() == content, f"{name} is not kept as uploaded"
            assert kept[name].name in evidences, f"{kept[name].name} is not a case evidence: {sorted(evidences)}"
            assert evidences[kept[name].name]["file_size"] == len(content), evidences[kept[name].name]
            assert evidences[kept[name].name]["file_hash"].lower() == hashlib.sha256(content).hexdigest()
        iocs = [(row["ioc_value"], row["ioc_type"]) for row in self.api.iocs()]
        for expected in ((address, "ip-dst"), (domain, "domain"), (digest, "sha256")):
            assert iocs.count(expected) == 1, f"{expected} should be a case IOC once: {iocs}"
        assert bad_md5 not in [value for value, _ in iocs], "a hash IRIS refuses became an IOC"

        refused = self.upload("notes.txt", b"not indicators\n", expect="error")
        assert "notes.txt" in refused["message"], refused
        assert not (self.folder() / "notes.txt").exists(), "a refused upload was saved"

        self.upload("bad.csv", b"indicator,type\nevil.example,domain\n")
        self.trigger()
        self.module.wait("pipeline_update", count=2)
        rejected = self.latest()
        assert rejected["success"] is False and rejected["message"] == "0 of 1 file(s) processed", rejected
        assert "must name the columns type and value (found: indicator, type)" in rejected["result"], rejected
        assert self.kept("rejected", "bad.csv").is_file() and not (self.folder() / "bad.csv").exists()

        again = f"type,value\ndomain,{unique()}.example.net\n".encode()
        self.upload("ind.csv", again)  # the name of the first upload
        self.trigger()
        self.module.wait("pipeline_update", count=3)
        latest = self.latest()
        assert latest["success"] and latest["message"] == "1 of 1 file(s) processed", latest
        contents = sorted(path.read_bytes() for path in (self.folder() / "processed").glob("ind-*Z*.csv"))
        assert contents == sorted([files["ind.csv"], again]), "a second upload of the same name overwrote the first"

    def kept(self, subfolder, name):
        """The one file kept in ``subfolder`` under ``name`` and the UTC time it was taken, e.g. ind-20250101T120000Z.csv."""
        stem, _, suffix = name.rpartition(".")
        (path,) = (self.folder() / subfolder).glob(f"{stem}-*Z.{suffix}")
        return path

    def latest(self):
        return max(self.module.tasks("pipeline_update"), key=lambda row: row["date_done"])


class Hunt(Scenario):
    """New hash IOCs hunted on every client of Velociraptor (the baked fake, gRPC over mutual TLS).

    An md5 IOC whose file a client has: the task succeeds, the IOC's report tab names the hunt
    and the host and the glob it searched, its tags say it was hunted and seen. Run again from the IOC's menu, the module
    reuses that running hunt. The API config's private key is never kept.
    """

    def settings(self):
        self.host, self.text = unique("wks") + ".example.org", unique("evil")
        config = self.module.rig.folder / f"{self.module.package}-api.config.yaml"
        self.velociraptor = self.stand_ins.velociraptor(self.module.folder, config, {self.host: self.text})
        key = yaml.safe_load(self.velociraptor.config)["client_private_key"].splitlines()
        # Markers besides the setting's own value (the config's base64): the first and last lines of the key.
        self.module.markers += [key[1], key[-2]]
        api_config = base64.b64encode(self.velociraptor.config.encode()).decode()  # the README's base64 -w0
        return {"api_config": api_config, "wait_seconds": 10, "timeout": 10}

    def run(self):
        digest = hashlib.md5(self.text.encode()).hexdigest()
        ioc = self.api.add_ioc(digest, "md5")["data"]
        (task,) = self.succeeded("on_postload_ioc_create")
        stored = self.api.ioc(ioc["ioc_id"])
        assert stored["ioc_tags"].split(",") == [f"{self.module.keyword}:hunted", f"{self.module.keyword}:seen"], stored
        html = stored["custom_attributes"]["Report"]["Report"]["value"]
        hunt_id = re.search(r"H\.[0-9A-Z]+", html)
        assert hunt_id and self.host in html, f"no hunt id or host in the report: {html}"
        assert "C:/Users/**/*" in html, f"the report does not name the glob its hunt used: {html}"
        assert any(f"Hunt {hunt_id.group()} started" in line for line in task["logs"]), task["logs"]
        self.fire("on_manual_trigger_ioc", "ioc", ioc["ioc_id"])
        (again,) = self.succeeded("on_manual_trigger_ioc")
        reused = f"Hunt {hunt_id.group()} already running, reused for 1 IOC(s)"
        assert any(reused in line for line in again["logs"]), again["logs"]


SCENARIOS = {
    ("processor", "blank"): BlankProcessor,
    ("pipeline", "blank"): BlankPipeline,
    ("processor", "ioc-enrichment"): IocEnrichment,
    ("processor", "external-sync"): ExternalSync,
    ("processor", "alert-triage"): AlertTriage,
    ("pipeline", "evidence-ingest"): EvidenceIngest,
    ("processor", "hunt"): Hunt,
}
