"""A small client of IRIS's REST API, as an analyst's browser or script uses it.

The routes are 2.4.20's; iris-web's develop line (a4d5121f) keeps each of them (its legacy
blueprints/rest/*, beside the new /api/v2), so one client drives both lines.

Every call is JSON with ``Authorization: Bearer <API key>`` (app/blueprints/access_controls.py);
answers are ``{"status": "success" | "error", "message", "data"}`` (app/util.py response_success).
"""

import base64
import json
import time
import urllib.error
import urllib.request
import uuid

CASE = 1  # post_init.py create_safe_case (line 1087) makes case #1, "Initial Demo", on first start


class IrisError(AssertionError):
    """IRIS answered with an error, or not in JSON."""


class IrisApi:
    def __init__(self, url, api_key):
        self.url, self.api_key = url.rstrip("/"), api_key

    # ------------------------------------------------------------ transport

    def request(self, method, path, body=None, *, files=None, fields=None, expect="success"):
        """The answer's JSON; ``expect`` is the status wanted ("success", "error", or None for any)."""
        headers = {"Authorization": f"Bearer {self.api_key}"}
        if files is not None:
            data, content_type = multipart(fields or {}, files)
            headers["Content-Type"] = content_type
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            answer = json.loads(raw)
        except ValueError:
            raise IrisError(f"{method} {path}: HTTP {status}, not JSON: {raw[:500]!r}") from None
        answer["http_status"] = status
        if expect and answer.get("status") != expect:
            raise IrisError(f"{method} {path}: HTTP {status} {answer.get('status')}: {answer.get('message')}"
                            f" {json.dumps(answer.get('data'))[:2000]}")  # fmt: skip
        return answer

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, body=None, **options):
        return self.request("POST", path, body if body is not None else {}, **options)

    # ------------------------------------------------------------ modules (manage_modules_routes.py:90-310)

    def modules(self):
        """Like opening Manage > Advanced > Modules, it disables each module whose mandatory settings
        are empty (iris_modules_list, datamgmt/iris_engine/modules_db.py:121-139)."""
        return self.get("/manage/modules/list")["data"]

    def add_module(self, package):
        """Add ``package`` as a module, removing an earlier row of that name first; its id."""
        for row in self.modules():
            if row.get("module_name") == package:
                self.post(f"/manage/modules/remove/{row['id']}")
        return self.post("/manage/modules/add", {"module_name": package})["data"]["id"]

    def module_config(self, module_id):
        return self.get(f"/manage/modules/export-config/{module_id}")["data"]["module_configuration"]

    def set_parameter(self, module_id, name, value):
        """Save one setting; IRIS re-runs the module's register_hooks (update_module_param)."""
        key = base64.b64encode(f"{module_id}##{name}".encode()).decode()
        return self.post(f"/manage/modules/set-parameter/{key}", {"parameter_value": value})

    def enable_module(self, module_id):
        return self.post(f"/manage/modules/enable/{module_id}")

    def disable_module(self, module_id):
        return self.post(f"/manage/modules/disable/{module_id}")

    def remove_module(self, module_id):
        return self.post(f"/manage/modules/remove/{module_id}")

    def registered_hooks(self, module_name=None):
        """``[(module name, hook name, manual label)]`` (module_list_hooks_view)."""
        rows = self.get("/manage/modules/hooks/list")["data"]
        return [
            (row["module_name"], row["hook_name"], row.get("manual_hook_ui_name"))
            for row in rows
            if module_name is None or row["module_name"] == module_name
        ]

    # ------------------------------------------------------------ reference lists

    def ioc_type_id(self, name):
        return self._id_by_name("/manage/ioc-types/list", "type_name", "type_id", name)

    def tlp_id(self, name):
        return self._id_by_name("/manage/tlp/list", "tlp_name", "tlp_id", name)

    def severity_id(self, name):
        return self._id_by_name("/manage/severities/list", "severity_name", "severity_id", name)

    def alert_status_id(self, name):
        return self._id_by_name("/manage/alert-status/list", "status_name", "status_id", name)

    def severity_name(self, severity_id):
        rows = self.get("/manage/severities/list")["data"]
        return next(row["severity_name"] for row in rows if row["severity_id"] == severity_id)

    def _id_by_name(self, path, name_key, id_key, name):
        rows = self.get(path)["data"]
        found = [row[id_key] for row in rows if str(row[name_key]).lower() == name.lower()]
        if not found:
            raise IrisError(f"{path} has no {name!r}: {[row[name_key] for row in rows]}")
        return found[0]

    # ------------------------------------------------------------ case objects

    def add_ioc(self, value, type_name="ip-dst", description="", tags="", expect="success", case=CASE):
        body = {"ioc_value": value, "ioc_type_id": self.ioc_type_id(type_name), "ioc_tlp_id": self.tlp_id("amber"),
                "ioc_description": description, "ioc_tags": tags}  # fmt: skip
        return self.post(f"/case/ioc/add?cid={case}", body, expect=expect)

    def ioc(self, ioc_id):
        return self.get(f"/case/ioc/{ioc_id}?cid={CASE}")["data"]

    def update_ioc(self, ioc_id, **fields):
        return self.post(f"/case/ioc/update/{ioc_id}?cid={CASE}", fields)["data"]

    def iocs(self, case=CASE):
        return self.get(f"/case/ioc/list?cid={case}")["data"]["ioc"]

    def evidences(self):
        return self.get(f"/case/evidences/list?cid={CASE}")["data"]["evidences"]

    def delete_ioc(self, ioc_id):
        return self.post(f"/case/ioc/delete/{ioc_id}?cid={CASE}")

    def add_asset(self, name, type_name="Windows - Computer", **fields):
        types = self.get("/manage/asset-type/list")["data"]
        type_id = next(row["asset_id"] for row in types if row["asset_name"] == type_name)
        body = {"asset_name": name, "asset_type_id": type_id, **fields}
        return self.post(f"/case/assets/add?cid={CASE}", body)["data"]

    def asset(self, asset_id):
        return self.get(f"/case/assets/{asset_id}?cid={CASE}")["data"]

    def case(self, case=CASE):
        return self.get(f"/manage/cases/{case}")["data"]

    def add_case(self, name, description):
        """A case of customer #1 (business/cases.py:74-110); its data, with ``case_id``."""
        body = {"case_name": name, "case_description": description, "case_soc_id": "", "case_customer": 1}
        return self.post("/manage/cases/add", body)["data"]

    def delete_case(self, case):
        return self.post(f"/manage/cases/delete/{case}")

    def update_case(self, **fields):
        return self.post(f"/manage/cases/update/{CASE}", fields)["data"]

    def add_alert(self, title, severity="Medium", status="New", **fields):
        """An alert of customer #1; severity and status looked up by name (their ids differ between databases)."""
        body = {"alert_title": title, "alert_severity_id": self.severity_id(severity),
                "alert_status_id": self.alert_status_id(status), "alert_customer_id": 1,
                "alert_source": "e2e", "alert_description": "", **fields}  # fmt: skip
        return self.post("/alerts/add", body)["data"]

    def alert(self, alert_id):
        return self.get(f"/alerts/{alert_id}")["data"]

    # ------------------------------------------------------------ hooks and tasks (blueprints/dim_tasks/dim_tasks.py)

    def call_manual_hook(self, hook_name, module_name, menu_label, kind, targets):
        """What an object's menu entry does (dim_hooks_call, dim_tasks.py:96)."""
        body = {"hook_name": hook_name, "hook_ui_name": menu_label, "module_name": module_name,
                "targets": list(targets), "type": kind}  # fmt: skip
        return self.post(f"/dim/hooks/call?cid={CASE}", body)

    def tasks(self, count=1000):
        """``[{"module": "<pkg>::<hook>", "state": "success" | the stored result, ...}]``, newest first.

        "success" only when the pickled IIStatus says so (list_dim_tasks, dim_tasks.py:202-262).
        """
        return self.get(f"/dim/tasks/list/{count}")["data"]


def multipart(fields, files):
    """A multipart/form-data body: ``fields`` {name: text}, ``files`` {name: (filename, bytes)}."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")  # fmt: skip
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for(condition, timeout=60, interval=0.5, what="the condition"):
    """Poll ``condition()`` until it returns something truthy; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
