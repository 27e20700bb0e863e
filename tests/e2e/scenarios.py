"""What an analyst does with each type x preset in IRIS, and what IRIS must show afterwards.

A scenario gives the settings the module needs (``settings``), then creates what its hooks answer,
fires its manual hooks, waits for the DIM tasks and reads the effect back through the API (``run``).
"""

import uuid

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
    """Upload files in the case's "Update case" dialog, then run the pipeline (manage_cases_routes.py)."""

    def upload(self, name, content):
        fields = {"is_update": "true", "pipeline": self.module.pipeline}
        return self.api.post(f"/manage/cases/upload_files?cid={CASE}", files={"file": (name, content)}, fields=fields)

    def trigger(self, **args):
        body = {"pipeline": self.module.pipeline, **{f"args_{name}": value for name, value in args.items()}}
        return self.api.post(f"/manage/cases/trigger-pipeline?cid={CASE}", body)

    def folder(self):
        """The module's upload folder: $IRIS_UPLOADED_PATH/<customer>/<case>/<module>/ (build_upload_path)."""
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


SCENARIOS = {
    ("processor", "blank"): BlankProcessor,
    ("pipeline", "blank"): BlankPipeline,
}
