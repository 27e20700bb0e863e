"""`make try`: this module, as `make install` put it in your IRIS, added, configured, enabled and run on
sample objects in a throwaway case; what IRIS's DIM tasks say of each run, and what changed.

    python tools/iris_try.py PACKAGE [--settings try-settings.json] [--samples tools/try_samples.json]

1. The module's row in IRIS is added, or kept when it stores the settings this code declares (names and
   types); otherwise it is removed and added again, the values it stored carried over.
2. Settings: each ``param_name: value`` of the settings file; a ``sensitive_string`` only from the
   environment, as ``IRIS_TRY_<PARAM_NAME>`` (never in a file that could be committed).
3. Enabled, then driven in a new case: for each kind of object the module has hooks for, a sample is
   made, changed, run from each of the module's entries in its menu (manual hooks) and deleted; a pipeline
   gets the sample files uploaded.
4. Each DIM task of the module is printed (its hook, success, logs), with what changed on the samples.
   The case and the alerts it made are deleted. Exit status 1 when a task failed or never came.
"""

import argparse
import base64
import importlib
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from iris_api import Iris, IrisError
from try_objects import CHANGE, KINDS, changed_fields, make

PROJECT = Path(__file__).resolve().parent.parent
WAIT = int(os.environ.get("TRY_WAIT", "180"))  # seconds for the module's tasks to come


class TryError(Exception):
    """What stops `make try` before the module runs; the message names the fix."""


# ---------------------------------------------------------------- the module's row and settings


def declared(package):
    """The module's config.py, as this checkout has it: its name in IRIS, settings, pipeline."""
    sys.path.insert(0, str(PROJECT))
    return importlib.import_module(f"{package}.config")


def module_row(iris, human_name):
    """IRIS's row of the module, found by the name it stores settings under, with its stored configuration."""
    for row in iris.get("/manage/modules/list"):
        if row["module_human_name"] == human_name:
            stored = iris.get(f"/manage/modules/export-config/{row['id']}")
            return {**row, "configuration": stored["module_configuration"]}
    return None


def registered_hooks(iris, package):
    """The hooks the module registered (module_list_hooks_view names rows by package)."""
    return {row["hook_name"] for row in iris.get("/manage/modules/hooks/list") if row["module_name"] == package}


def menu_entries(iris, package, hooks):
    """``[(hook, label)]``: the module's entries in the objects' menus, as analysts see them."""
    entries = []
    for hook in sorted(hook for hook in hooks if hook.startswith("on_manual_trigger_")):
        kind = hook.removeprefix("on_manual_trigger_")
        rows = iris.get(f"/dim/hooks/options/{kind}/list")
        entries += [(hook, row["manual_hook_ui_name"]) for row in rows if row["module_name"] == package]
    return entries


def add_or_update(iris, package, configuration, row):
    """The module's id in IRIS, with a stored configuration of this code's names and types; and the
    values stored before, when the row had to be replaced."""
    shape = {(entry["param_name"], entry["type"]) for entry in configuration}
    if row is not None:
        stored = row["configuration"]
        if {(entry["param_name"], entry["type"]) for entry in stored} == shape:
            return row["id"], {}
        print(f"The settings {package} declares changed: removing the module from IRIS and adding it again")
        iris.post(f"/manage/modules/remove/{row['id']}")
        kept = {(entry["param_name"], entry["type"]): entry.get("value") for entry in stored}
    else:
        kept = {}
    try:
        added = iris.post("/manage/modules/add", {"module_name": package})
    except IrisError as error:
        raise TryError(f"IRIS could not add {package}: {error}. Is it installed (make install)?") from None
    carried = {name: value for (name, kind), value in kept.items() if (name, kind) in shape and value not in (None, "")}
    return added["id"], carried


def wanted_settings(configuration, path, carried):
    """``{param_name: value}`` to store: what was carried over, then the file's, then the environment's secrets."""
    by_name = {entry["param_name"]: entry for entry in configuration}
    wanted = dict(carried)
    if path.is_file():
        try:
            given = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as error:
            raise TryError(f"{path} is not JSON ({error}): write it as one JSON object of param_name: value") from None
        if not isinstance(given, dict):
            raise TryError(f"{path} holds a {type(given).__name__}: write it as one JSON object of param_name: value")
        unknown = sorted(set(given) - set(by_name))
        if unknown:
            raise TryError(
                f"{path} names {', '.join(unknown)}, which the module does not declare; it declares "
                f"{', '.join(by_name)}"
            )
        secret = sorted(name for name in given if by_name[name]["type"] == "sensitive_string")
        if secret:
            raise TryError(
                f"{path} holds {', '.join(secret)}, a secret: give it in the environment as "
                f"{', '.join(secret_variable(name) for name in secret)}, never in a file"
            )
        wanted.update(given)
    for name, entry in by_name.items():
        if entry["type"] == "sensitive_string" and os.environ.get(secret_variable(name)):
            wanted[name] = os.environ[secret_variable(name)]
    return wanted


def secret_variable(name):
    return f"IRIS_TRY_{name.upper()}"


def configure(iris, module_id, configuration, wanted, settings_path):
    """Store what differs, refuse to enable with a mandatory setting empty, enable."""
    stored = {
        entry["param_name"]: entry.get("value")
        for entry in iris.get(f"/manage/modules/export-config/{module_id}")["module_configuration"]
    }
    for name, value in wanted.items():
        if stored.get(name) != value:
            key = base64.b64encode(f"{module_id}##{name}".encode()).decode()  # set-parameter's own key
            iris.post(f"/manage/modules/set-parameter/{key}", {"parameter_value": value})
            stored[name] = value
    empty = [
        entry for entry in configuration if entry.get("mandatory") and stored.get(entry["param_name"]) in (None, "")
    ]
    if empty:
        where = [
            secret_variable(entry["param_name"])
            if entry["type"] == "sensitive_string"
            else f"{entry['param_name']} in {settings_path}"
            for entry in empty
        ]
        raise TryError(
            f"Mandatory setting(s) {', '.join(entry['param_name'] for entry in empty)} are empty, and IRIS "
            f"would switch the module off: give {', '.join(where)}"
        )
    iris.post(f"/manage/modules/enable/{module_id}")


# ---------------------------------------------------------------- driving it


class Run:
    """What `make try` did in IRIS, and the tasks it expects of the module."""

    def __init__(self, iris, package):
        self.iris, self.package = iris, package
        self.expected = {}  # hook name: tasks due
        self.samples = []
        self.case = None

    def expect(self, hook, hooks):
        if hook in hooks:
            self.expected[hook] = self.expected.get(hook, 0) + 1

    def open_case(self, hooks):
        case = {
            "case_name": f"make try {self.package} {time.strftime('%Y%m%dT%H%M%S')}",
            "case_description": f"A throwaway case of make try for {self.package}; deleted when it ends.",
            "case_customer": 1,
            "case_soc_id": "",
        }
        self.case = self.iris.post("/manage/cases/add", case)["case_id"]
        self.expect("on_postload_case_create", hooks)
        print(f"Case #{self.case} made for the run")

    def drive_processor(self, hooks, samples, entries):
        kinds = [kind for kind in KINDS if any(f"_{kind}_" in hook or hook.endswith(f"_{kind}") for hook in hooks)]
        for kind in kinds:
            for sample in samples.get(kind, [{}]):
                made = make(self.iris, kind, self.case, sample)
                made.before = self.read(made)
                self.samples.append(made)
                self.expect(f"on_postload_{kind}_create", hooks)
        for made in self.samples:
            if f"on_postload_{made.kind}_update" in hooks or f"on_preload_{made.kind}_update" in hooks:
                self.iris.post(made.path("update"), {**made.body, **KINDS[made.kind].change})
                self.expect(f"on_postload_{made.kind}_update", hooks)
        if "on_postload_case_update" in hooks or "on_preload_case_update" in hooks:
            self.iris.post(f"/manage/cases/update/{self.case}", {"case_description": CHANGE})
            self.expect("on_postload_case_update", hooks)
        for hook, label in entries:
            kind = hook.removeprefix("on_manual_trigger_")
            targets = [self.case] if kind == "case" else [made.id for made in self.samples if made.kind == kind]
            if targets:
                body = {
                    "hook_name": hook,
                    "hook_ui_name": label,
                    "module_name": self.package,
                    "targets": targets,
                    "type": kind,
                }
                self.iris.post(f"/dim/hooks/call?cid={self.case}", body)
                self.expect(hook, hooks)

    def drive_pipeline(self, pipeline, samples):
        name = f"{self.package}-{pipeline['pipeline_internal_name']}"
        uploads = samples.get("upload") or []
        files = [(Path(path).name, (PROJECT / path).read_bytes()) for path in uploads] or [
            ("make-try.txt", b"one\ntwo\nthree\n")
        ]
        for filename, content in files:
            self.iris.post(
                f"/manage/cases/upload_files?cid={self.case}",
                files={"file": (filename, content)},
                fields={"is_update": "true", "pipeline": name},
            )
        given = samples.get("args", {})
        needed = {name: "make try" for name, need in pipeline.get("pipeline_args", []) if need == "required"}
        arguments = {f"args_{key}": value for key, value in {**needed, **given}.items()}
        self.iris.post(f"/manage/cases/trigger-pipeline?cid={self.case}", {"pipeline": name, **arguments})
        self.expected["pipeline_update"] = 1
        print(f"Uploaded {', '.join(filename for filename, _ in files)} to the case, and ran {name}")

    def read(self, made):
        return self.iris.get(made.path()) or {}

    def delete_samples(self, hooks):
        for made in self.samples:
            if KINDS[made.kind].in_case and f"on_postload_{made.kind}_delete" not in hooks:
                continue  # deleted with the case
            self.iris.post(made.path("delete"))
            self.expect(f"on_postload_{made.kind}_delete", hooks)

    def close_case(self, hooks):
        """Delete the throwaway case, if it is there still; its id."""
        case, self.case = self.case, None
        if case is not None:
            self.iris.post(f"/manage/cases/delete/{case}")
            self.expect("on_postload_case_delete", hooks)
        return case


# ---------------------------------------------------------------- the module's DIM tasks


def module_tasks(iris, package):
    """The module's rows of IRIS's latest DIM tasks (IRIS names each ``<package>::<hook>``)."""
    return [row for row in iris.get("/dim/tasks/list/1000") if row["module"].startswith(f"{package}::")]


def task_ids(iris, package):
    return {row["task_id"] for row in module_tasks(iris, package)}


def wait_for_tasks(iris, package, seen, expected, timeout):
    """The module's tasks that were not in ``seen``, once ``expected`` are there or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [row for row in module_tasks(iris, package) if row["task_id"] not in seen]
        counts = {}
        for row in rows:
            hook = row["module"].partition("::")[2]
            counts[hook] = counts.get(hook, 0) + 1
        missing = {hook: due - counts.get(hook, 0) for hook, due in expected.items() if counts.get(hook, 0) < due}
        if not missing or time.monotonic() > deadline:
            return sorted(rows, key=lambda row: str(row["date_done"])), missing
        time.sleep(1)


class Container:
    """IRIS's app container, where `make try` reads what the tasks returned (tools/iris_tasks.py)."""

    def __init__(self, engine, name, python, app_dir):
        self.engine, self.name, self.python, self.app_dir = engine, name, python, app_dir

    def results(self, task_ids, package):
        """``{task_id: {"success", "message", "logs", "traceback"}}``; empty, saying why, when they cannot be read."""
        if not task_ids:
            return {}
        script = f"/tmp/{package}-tasks.py"
        copy = [*shlex.split(self.engine), "cp", str(PROJECT / "tools" / "iris_tasks.py"), f"{self.name}:{script}"]
        read = [*shlex.split(self.engine), "exec", self.name, self.python, script, self.app_dir, *task_ids]
        done = subprocess.run(copy, capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(read, capture_output=True, text=True)
        if done.returncode != 0:
            print(
                f"(The tasks' messages and logs could not be read in {self.name}: {done.stderr.strip()[-300:]}"
                " Open IRIS's DIM tasks page for them.)"
            )
            return {}
        return {found["task_id"]: found for found in map(json.loads, done.stdout.splitlines())}


def report(rows, results, missing, samples, after):
    """Print each task and what changed; whether every task succeeded and came."""
    ok = True
    for row in rows:
        success = row["state"] == "success"
        ok &= success
        print(f"\n{'OK  ' if success else 'FAIL'}  {row['module']}  ({row['case'] or 'no case'})")
        found = results.get(row["task_id"], {})
        if found.get("message"):
            print(f"      {found['message']}")
        for line in found.get("logs", []):
            print(f"      | {line}")
        if found.get("traceback"):
            print("      " + found["traceback"].strip().replace("\n", "\n      "))
    for hook, count in missing.items():
        ok = False
        print(f"\nFAIL  {hook}: {count} task(s) did not come within {WAIT}s (TRY_WAIT). Is IRIS's worker up?")
    for made in samples:
        changed = changed_fields(made.before, after.get(id(made), made.before))
        print(f"\n{made.kind} #{made.id}: " + ("unchanged by the module" if not changed else "changed"))
        for name, (before, now) in changed.items():
            print(f"      {name}: {_short(before)} -> {_short(now)}")
    return ok


def _short(value, limit=160):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package")
    parser.add_argument("--settings", type=Path, default=Path("try-settings.json"))
    parser.add_argument("--samples", type=Path, default=Path("tools/try_samples.json"))
    parser.add_argument("--engine", default="docker")
    parser.add_argument("--container", default="iriswebapp_app", help="IRIS's app container")
    parser.add_argument("--iris-python", default="/opt/venv/bin/python")
    parser.add_argument("--iris-app-dir", default="/iriswebapp", help="where IRIS's source is in the container")
    options = parser.parse_args(argv)
    run = None
    try:
        iris = Iris.from_environment()
        config = declared(options.package)
        configuration, pipeline = config.CONFIGURATION, getattr(config, "PIPELINE_INFO", None)
        samples = json.loads(options.samples.read_text(encoding="utf-8")) if options.samples.is_file() else {}
        row = module_row(iris, config.MODULE_NAME)
        module_id, carried = add_or_update(iris, options.package, configuration, row)
        configure(
            iris, module_id, configuration, wanted_settings(configuration, options.settings, carried), options.settings
        )
        hooks = registered_hooks(iris, options.package)
        print(
            f"{options.package} is module #{module_id} in {iris.url}, enabled; hooks: {', '.join(sorted(hooks)) or 'none'}"
        )
        seen = task_ids(iris, options.package)
        run = Run(iris, options.package)
        run.open_case(hooks)
        if pipeline:
            run.drive_pipeline(pipeline, samples)
        else:
            run.drive_processor(hooks, samples, menu_entries(iris, options.package, hooks))
        rows, missing = wait_for_tasks(iris, options.package, seen, run.expected, WAIT)
        after = {id(made): run.read(made) for made in run.samples}
        run.delete_samples(hooks)
        case = run.close_case(hooks)
        rows, missing = wait_for_tasks(iris, options.package, seen, run.expected, WAIT)
        container = Container(options.engine, options.container, options.iris_python, options.iris_app_dir)
        ok = report(
            rows, container.results([row["task_id"] for row in rows], options.package), missing, run.samples, after
        )
    except (IrisError, TryError, ValueError, OSError) as error:
        print(f"make try: {error}", file=sys.stderr)
        if run is not None and run.case is not None:
            run.close_case(set())
        return 2
    print(f"\n{'OK' if ok else 'FAIL'}: {len(rows)} task(s) of {options.package}; case #{case} deleted")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
