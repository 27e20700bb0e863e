"""What an analyst does with each type x preset in IRIS, and what IRIS must show afterwards.

A scenario gives the settings the module needs (``settings``), then creates what its hooks answer,
fires its manual hooks, waits for the DIM tasks and reads the effect back through the API (``run``).
"""

import hashlib
import json
import subprocess
import uuid

from . import iris_server
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
        """$IRIS_UPLOADED_PATH/<customer>/<case>/<module>/ (build_upload_path, iris_engine/utils/common.py:25)."""
        (folder,) = self.module.rig.iris.uploads.glob(f"*/*/{self.module.package}")
        return folder


class BlankPipeline(Pipeline):
    """A file uploaded and processed: the task succeeds, its summary counts the records, the file is moved aside."""

    def run(self):
        self.upload("records.txt", b"one\ntwo\nthree\n")
        self.trigger()
        (task,) = self.succeeded("pipeline_update")
        assert task["message"] == "1 of 1 file(s) processed", task
        assert "3 record(s) read from records.txt" in task["result"], task
        assert (self.folder() / "processed" / "records.txt").is_file()
        assert not (self.folder() / "records.txt").exists()


class IocEnrichment(Scenario):
    """IOCs looked up in the web service: an escaped report tab and the verdict's tag, added once."""

    HOSTILE = "<script>alert('e2e')</script>"

    def settings(self):
        self.key = unique("SECRET-api-key")
        self.service = self.stand_ins.enrichment(self.key)
        return {"api_url": self.service.url, "api_key": self.key, "retries": 0}

    def run(self):
        tag = f"{self.module.package.removeprefix('iris_').removesuffix('_module')}:malicious"
        value = f"http://{unique()}.example/{self.HOSTILE}"
        self.service.known[("urls", value)] = {"verdict": "Malicious", "comment": self.HOSTILE, "score": 7}
        ioc = self.api.add_ioc(value, "url", tags="analyst-tag")["data"]
        self.succeeded("on_postload_ioc_create")
        self.fire("on_manual_trigger_ioc", "ioc", ioc["ioc_id"])
        self.succeeded("on_manual_trigger_ioc")
        self.api.update_ioc(ioc["ioc_id"], ioc_description="seen again")
        self.succeeded("on_postload_ioc_update")

        stored = self.api.ioc(ioc["ioc_id"])
        assert stored["ioc_tags"].split(",") == ["analyst-tag", tag], stored["ioc_tags"]
        report = stored["custom_attributes"]["Report"]["Report"]
        assert report["type"] == "html"
        assert "&lt;script&gt;" in report["value"] and "<script" not in report["value"], report["value"]
        assert "Malicious" in report["value"] and "7" in report["value"]
        asked = [(method, path, headers.get("x-apikey")) for method, path, headers, _ in self.service.requests]
        assert asked and all(key == self.key for _, _, key in asked), asked
        assert all(path.count("/") == 2 for _, path, _ in asked), f"the IOC value changed the path: {asked}"

        # The secret search reads what IRIS keeps: the IOC's value is in its tasks' data and the logs.
        assert self.module.rig.where_secret_appears(value), "the secret search sees nothing IRIS kept"

        unknown = self.api.add_ioc(unique() + ".example.org", "domain")["data"]
        self.succeeded("on_postload_ioc_create", count=2)
        assert self.api.ioc(unknown["ioc_id"])["ioc_tags"] == tag.replace("malicious", "unknown")


class ExternalSync(Scenario):
    """The case, an IOC and an asset mirrored into OpenCTI; each IRIS object shows its OpenCTI id in a tab."""

    def settings(self):
        self.token = unique("SECRET-api-token")
        self.opencti = self.stand_ins.opencti(self.token)
        return {"opencti_url": self.opencti.url, "api_token": self.token, "retries": 0}

    def run(self):
        self.api.update_case(case_description=f"mirrored {unique()}")
        self.succeeded("on_postload_case_update")
        (case,) = self.opencti.of_type("Case-Incident")
        assert case["fields"]["name"] == self.api.case()["case_name"], case

        address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
        ioc = self.api.add_ioc(address, "ip-dst")["data"]
        self.succeeded("on_postload_ioc_create")
        (observable,) = [o for o in self.opencti.of_type("IPv4-Addr") if o["fields"].get("value") == address]
        remote_id = self.remote_id(self.api.ioc(ioc["ioc_id"]))
        assert self.opencti.find(remote_id)[1] is observable

        host = unique("host")
        asset = self.api.add_asset(host, "Windows - Computer")
        self.succeeded("on_postload_asset_create")
        (mirrored,) = [o for o in self.opencti.of_type("Hostname") if o["fields"].get("value") == host]
        asset_remote_id = self.remote_id(self.api.asset(asset["asset_id"]))
        assert self.opencti.find(asset_remote_id)[1] is mirrored
        assert asset_remote_id in case["objects"], "the asset is not listed in the case's incident"

        self.api.delete_ioc(ioc["ioc_id"])
        self.succeeded("on_postload_ioc_delete")
        assert self.opencti.find(remote_id)[1] is observable, "delete_remote is off: the observable stays"
        tokens = {headers.get("Authorization") for _, _, headers, _ in self.opencti.requests}
        assert tokens == {f"Bearer {self.token}"}, tokens

    @staticmethod
    def remote_id(obj):
        return obj["custom_attributes"]["OpenCTI"]["id"]["value"]


class AlertTriage(Scenario):
    """New alerts classified by the rules: severity set by name, tags and a note line once each."""

    def run(self):
        prefix = self.module.package.removeprefix("iris_").removesuffix("_module")
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


class EvidenceIngest(Pipeline):
    """Indicator files: each registered as a case evidence, each good indicator a case IOC of its IRIS type, once.

    A rejected file is refused at upload, or set aside by the run that rejects it: it never fails a later run.
    """

    def run(self):
        address, domain = f"198.51.100.{uuid.uuid4().int % 250 + 1}", unique() + ".example.net"
        digest = hashlib.sha256(unique().encode()).hexdigest()
        files = {
            "ind.csv": f"type,value,description\nip-dst,{address},c2\ndomain,{domain},\nip-dst,,no value\n".encode(),
            "ind.jsonl": (json.dumps({"type": "sha256", "value": digest}) + "\n"
                          + json.dumps({"type": "ip-dst", "value": address}) + "\n").encode(),
        }  # fmt: skip
        for name, content in files.items():
            self.upload(name, content)
        self.trigger()
        (task,) = self.succeeded("pipeline_update")
        assert task["message"] == "2 of 2 file(s) processed", task
        assert "line 4" in task["result"], f"the bad record is not reported by line: {task['result']}"

        evidences = {row["filename"]: row for row in self.api.evidences()}
        for name, content in files.items():
            assert name in evidences, f"{name} is not registered as a case evidence: {sorted(evidences)}"
            assert evidences[name]["file_size"] == len(content), evidences[name]
            assert evidences[name]["file_hash"].lower() == hashlib.sha256(content).hexdigest(), evidences[name]
        iocs = [(row["ioc_value"], row["ioc_type"]) for row in self.api.iocs()]
        for expected in ((address, "ip-dst"), (domain, "domain"), (digest, "sha256")):
            assert iocs.count(expected) == 1, f"{expected} should be a case IOC once: {iocs}"

        rejected = self.upload("notes.txt", b"not indicators\n", expect=None)
        if rejected["status"] == "success":  # accepted at upload: the run that rejects it must set it aside
            self.trigger()
            self.module.wait("pipeline_update", count=2)
        self.upload("more.csv", f"type,value\ndomain,{unique()}.example.net\n".encode())
        self.trigger()
        runs = self.module.wait("pipeline_update", count=3 if rejected["status"] == "success" else 2)
        latest = max(self.module.tasks("pipeline_update"), key=lambda row: row["date_done"])
        assert runs[0]["state"] == "success" and latest["message"] == "1 of 1 file(s) processed", latest


class Hunt(Scenario):
    """Installed, added, healthy; with its server unreachable, a hunt fails with a message naming the server.

    The hunt itself is for a Velociraptor stand-in (another branch builds one that can be reused here).
    """

    def settings(self):
        self.address = f"127.0.0.1:{iris_server.free_port()}"  # nothing listens there
        return {"api_config": velociraptor_api_config(self.module.rig, self.address), "wait_seconds": 0,
                "timeout": 10}  # fmt: skip

    def run(self):
        self.api.add_ioc(hashlib.md5(unique().encode()).hexdigest(), "md5")
        rows = self.module.wait("on_postload_ioc_create")
        (task,) = self.module.tasks("on_postload_ioc_create")
        assert rows[0]["state"] != "success" and task["success"] is False, task
        assert self.address in task["message"] and "connect" in task["message"].lower(), task["message"]


def velociraptor_api_config(rig, address):
    """An api.config.yaml as `velociraptor config api_client` writes it (PEMs made by IRIS's cryptography)."""
    code = (
        "import datetime, json\n"
        "from cryptography import x509\n"
        "from cryptography.hazmat.primitives import hashes, serialization\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "key = ec.generate_private_key(ec.SECP256R1())\n"
        "name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, 'VelociraptorServer')])\n"
        "now = datetime.datetime.utcnow()\n"
        "cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())"
        ".serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))"
        ".sign(key, hashes.SHA256()))\n"
        "pem = cert.public_bytes(serialization.Encoding.PEM).decode()\n"
        "private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,"
        " serialization.NoEncryption()).decode()\n"
        "print(json.dumps({'ca_certificate': pem, 'client_cert': pem, 'client_private_key': private}))\n"
    )
    done = subprocess.run([str(rig.venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    return json.dumps({**json.loads(done.stdout), "api_connection_string": address, "name": "e2e"})


SCENARIOS = {
    ("processor", "blank"): BlankProcessor,
    ("pipeline", "blank"): BlankPipeline,
    ("processor", "ioc-enrichment"): IocEnrichment,
    ("processor", "external-sync"): ExternalSync,
    ("processor", "alert-triage"): AlertTriage,
    ("pipeline", "evidence-ingest"): EvidenceIngest,
    ("processor", "hunt"): Hunt,
}
