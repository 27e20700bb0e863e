"""The sample objects `make try` makes in a throwaway case: one per kind the module has hooks for.

Each kind is made, changed, read and deleted through the routes IRIS's own pages use (IRIS 2.4;
its develop line keeps them), with the fields those pages send. ``tools/try_samples.json`` gives
the preset's own samples, field by field over the defaults below: an IOC the service knows, the
file a pipeline takes.
"""

from dataclasses import dataclass, field

CHANGE = "changed by make try"


@dataclass
class Kind:
    """A kind of object, under IRIS's routes ``<route>/add``, ``<route>/<id>``, ``<route>/update/<id>`` and
    ``<route>/delete/<id>``; those of a case's objects take the case as ``?cid=``."""

    route: str
    id_field: str  # where the answer to add holds the new object's id
    fields: dict  # what IRIS's page sends; the names of LOOKUPS are looked up
    change: dict  # what an update changes
    in_case: bool = True  # an alert is no case's

    def path(self, action, case, object_id=None):
        path = "/".join(str(part) for part in (self.route, action, object_id) if part not in (None, ""))
        return f"{path}?cid={case}" if self.in_case else path


KINDS = {
    "ioc": Kind(
        route="/case/ioc",
        id_field="ioc_id",
        fields={"ioc_value": "make-try.example.org", "ioc_type": "domain", "ioc_tlp": "amber", "ioc_tags": ""},
        change={"ioc_description": CHANGE},
    ),
    "asset": Kind(
        route="/case/assets",
        id_field="asset_id",
        fields={"asset_name": "make-try-host", "asset_type": "Windows - Computer", "asset_description": ""},
        change={"asset_description": CHANGE},
    ),
    "note": Kind(
        route="/case/notes",
        id_field="note_id",
        fields={"note_title": "make try", "note_content": "A note made by make try."},
        change={"note_content": CHANGE},
    ),
    "event": Kind(
        route="/case/timeline/events",
        id_field="event_id",
        fields={
            "event_title": "make try",
            "event_date": "2024-01-01T00:00:00.000",
            "event_tz": "+00:00",
            "event_category_id": 1,
            "event_assets": [],
            "event_iocs": [],
            "event_in_summary": False,
            "event_in_graph": True,
            "event_color": "",
            "event_raw": "",
            "event_content": "",
            "event_source": "",
            "event_tags": "",
        },
        change={"event_content": CHANGE},
    ),
    "task": Kind(
        route="/case/tasks",
        id_field="id",
        fields={"task_title": "make try", "task_status_id": 1, "task_assignees_id": [], "task_description": ""},
        change={"task_description": CHANGE},
    ),
    "evidence": Kind(
        route="/case/evidences",
        id_field="id",
        fields={"filename": "make-try.bin", "file_size": 3, "file_hash": "00", "file_description": ""},
        change={"file_description": CHANGE},
    ),
    "alert": Kind(
        route="/alerts",
        id_field="alert_id",
        fields={
            "alert_title": "make try",
            "alert_severity": "Medium",
            "alert_status": "New",
            "alert_customer_id": 1,
            "alert_source": "make try",
            "alert_description": "",
        },
        change={"alert_note": CHANGE},
        in_case=False,
    ),
}
# What a sample names, and the list IRIS looks the name up in: (route, its name field, its id field).
LOOKUPS = {
    "ioc_type": ("ioc_type_id", "/manage/ioc-types/list", "type_name", "type_id"),
    "ioc_tlp": ("ioc_tlp_id", "/manage/tlp/list", "tlp_name", "tlp_id"),
    "asset_type": ("asset_type_id", "/manage/asset-type/list", "asset_name", "asset_id"),
    "alert_severity": ("alert_severity_id", "/manage/severities/list", "severity_name", "severity_id"),
    "alert_status": ("alert_status_id", "/manage/alert-status/list", "status_name", "status_id"),
}
# Fields that change on every write and say nothing of what the module did.
NOISE = ("date", "modification_history", "last_modified", "uuid", "_by", "user")


def resolve(iris, fields):
    """``fields`` with each name of LOOKUPS replaced by IRIS's id for it (ids differ between IRIS databases)."""
    resolved = {}
    for name, value in fields.items():
        if name not in LOOKUPS:
            resolved[name] = value
            continue
        id_field, route, name_field, id_of = LOOKUPS[name]
        rows = iris.get(route)
        found = [row[id_of] for row in rows if str(row[name_field]).lower() == str(value).lower()]
        if not found:
            known = ", ".join(sorted(str(row[name_field]) for row in rows))
            raise ValueError(f"{name} {value!r} is not one IRIS knows ({route}): one of {known}")
        resolved[id_field] = found[0]
    return resolved


@dataclass
class Sample:
    kind: str
    id: int
    case: int
    body: dict  # what made it, ids resolved
    before: dict = field(default_factory=dict)  # as IRIS showed it once made

    def path(self, action=""):
        return KINDS[self.kind].path(action, self.case, self.id)


def make(iris, kind, case, sample):
    """One object of ``kind`` in ``case``, from the defaults and ``sample``'s fields."""
    route = KINDS[kind]
    fields = {**route.fields, **sample}
    if kind == "note":  # a note lives in a folder of the case's notes
        folder = iris.post(f"/case/notes/directories/add?cid={case}", {"name": "make try", "parent_id": None})
        fields["directory_id"] = folder["id"]
    body = resolve(iris, fields)
    made = iris.post(route.path("add", case), body)
    return Sample(kind, made[route.id_field], case, body)


def changed_fields(before, after):
    """``{field: (before, after)}`` of what differs, leaving out fields every write touches."""
    keys = sorted(set(before) | set(after))
    return {
        key: (before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key) and not any(word in key for word in NOISE)
    }
