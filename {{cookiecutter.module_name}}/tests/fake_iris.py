"""A fake IRIS host: run and check the module on a laptop, without IRIS.

iris-interface imports a few of IRIS's own functions (``app.*``) when it is imported.
``install()`` puts stand-ins for them in ``sys.modules`` and returns the ``FakeIris`` they
talk to: the module's stored settings, the server settings, the hooks it registered.
``load_like_iris()`` loads the module class as IRIS's loader does and ``health_problems()``
lists what IRIS's health check and settings page would refuse. Hooks go through a fake of
IRIS's database session: what is not committed is not saved, and a queued hook writes its
objects back as they were when it was queued, as IRIS's worker does. IRIS's ``IocSchema`` and
``CaseAssetsSchema`` (``app.schema.marshables``) dump objects as IRIS's do. The factories at the end
build the objects hooks carry, with the attributes {{ iris().name }}'s models have: add the ones
your handler reads.

Run it to see what IRIS will say before IRIS says it:  python tests/fake_iris.py <package>
"""

import copy
import dataclasses
import importlib
import json
import sys
import types
from pathlib import Path
from types import SimpleNamespace

# Every hook {{ iris().name }} has, and what it carries: derived from IRIS's source.
CATALOGUE = json.loads(Path(__file__).with_name("iris_hooks.json").read_text(encoding="utf-8"))
IRIS_HOOKS = {hook["name"]: hook for hook in CATALOGUE["hooks"]}

IRIS_SETTING_TYPES = {
    "bool", "int", "string", "sensitive_string", "textfield_html", "textfield_json", "textfield_markdown",
}  # fmt: skip
SETTING_KEYS = ("param_name", "param_human_name", "param_description", "default", "mandatory", "type")
PIPELINE_KEYS = (
    "pipeline_internal_name", "pipeline_human_name", "pipeline_args", "pipeline_update_support",
    "pipeline_import_support",
)  # fmt: skip
INTERFACE_VERSIONS = ("1.1", "1.2.0")  # the range {{ iris().name }} accepts, both ends included
# Rows a fresh IRIS database holds (IOC types, TLPs, alert severities), which modules look up
# by name: ids differ from one database to another.
ROWS = json.loads(Path(__file__).with_name("iris_rows.json").read_text(encoding="utf-8"))
SEVERITIES = ROWS["severities"]


class DataError(Exception):
    """What PostgreSQL refuses to store, as psycopg2 raises it; IRIS's database session is unusable after it."""


class FakeIris:
    """The IRIS side of a module."""

    def __init__(self):
        self.stored_settings = {}  # module name -> its settings, as IRIS stores them
        self.server_settings = {"http_proxy": "", "https_proxy": ""}  # lowercase, as IRIS names them
        # (hook name, label) rows, as saved in IRIS's database: one per hook and label (module_handler.py:366-370)
        self.registrations = set()
        self.unsaved_removals = set()  # rows deleted in the session (deregistered), gone at the next commit
        self.package = None  # the module's package, IRIS's name for it (module_name in its tables)
        self.active = True  # the module's switch on IRIS's modules page
        self.added_attributes = []  # (object, tab, field, type, value) added to objects
{%- if iris().iocs_belong_to_one_case %}
        self.iocs = []  # every IOC, each of one case (ioc.case_id)
{%- else %}
        self.iocs = []  # every IOC, shared by the cases that link to it
        self.ioc_links = set()  # (ioc_id, case_id)
{%- endif %}
        self.cases = {}  # case id -> the case as IRIS's database holds it (add_case)
        self.evidences = []  # registered evidence files, as dicts
        # IOC type name -> (regex, expected), as an admin sets it under Manage > Advanced > Case Objects. A fresh
        # database has none: post_init.py's are dropped by create_safe_limited (models/models.py:90-94).
        self.ioc_type_formats = {}
        self.ioc_states = []  # (case id, user id) each time a case's IOC table was marked changed
        self.pending = []  # rows added to the database session, saved by the next commit
        self.attached = []  # objects the worker's session holds, each an _Attached over its row

    def configure(self, module_class, **values):
        """Store the module's settings as IRIS does when it is added, then set ``values``."""
        settings = copy.deepcopy(module_class._module_configuration)
        for setting in settings:
            if setting.get("default") is not None:
                setting["value"] = setting["default"]
        names = {setting["param_name"] for setting in settings}
        unknown = sorted(set(values) - names)
        if unknown:
            raise KeyError(f"{module_class._module_name} has no setting {', '.join(unknown)}")
        for setting in settings:
            if setting["param_name"] in values:
                setting["value"] = values[setting["param_name"]]
        self.stored_settings[module_class._module_name] = settings
        self.package = module_class.__module__.partition(".")[0]

    @property
    def hooks(self):
        """Hook name -> the labels it is registered under (None for an automatic hook), as saved."""
        saved = {}
        for name, label in sorted(self.registrations, key=lambda row: (row[0], row[1] or "")):
            saved.setdefault(name, []).append(label)
        return saved

    # What iris-interface calls, with IRIS's signatures and return values.
    def register_hook(self, module_id, iris_hook_name, manual_hook_name=None, run_asynchronously=True):
        """module_handler.py:325-390: one row per hook and label; a manual hook without a label gets one made up."""
        if "on_manual_trigger_" in iris_hook_name and not manual_hook_name:
            manual_hook_name = f"{self.package}::{iris_hook_name}"  # module_handler.py:350-354
        if iris_hook_name not in IRIS_HOOKS:
            return False, [f"Hook {iris_hook_name} is unknown to IRIS {CATALOGUE['iris_version']}"]
        row = (iris_hook_name, manual_hook_name)
        # The look-up runs after the session's pending deletions are flushed: a row deregistered in
        # this request is not found, so a new one is added (module_handler.py:366-371).
        if row in self.registrations and row not in self.unsaved_removals:
            return True, [f"Hook {iris_hook_name} already registered"]
        # A new registration is committed at once, and with it whatever the session had pending,
        # such as an earlier deregistration (module_handler.py:380-383).
        self.unsaved_removals.discard(row)
        self.registrations.add(row)
        self.session_commit()
        return True, [f"Hook {iris_hook_name} registered"]

    def deregister_from_hook(self, module_id, iris_hook_name):
        # Every row of the hook, whatever its label, deleted in the session and never committed
        # (module_handler.py:393-413): saved only by a later commit in the same request, IRIS's or the module's.
        self.unsaved_removals.update(row for row in self.registrations if row[0] == iris_hook_name)
        return True, ["Hook deregistered"]

    def end_request(self, saved):
        """A web request ends: a last commit (``saved``), or none, and its session is dropped."""
        if saved:
            self.session_commit()
        self.unsaved_removals.clear()  # the request's session is dropped: what it did not commit is lost

    # What IRIS's pages and API do with a module.
    def add_module(self, module_class, **values):
        """Manage > Advanced > Modules > Add, then the settings an admin fills in: the defaults, a value in each
        mandatory setting without one, then ``values``; register the hooks."""
        self.configure(module_class, **{**filled_mandatory(module_class), **values})
        instance = module_class()
        if instance.get_module_type() == "module_processor":
            instance.register_hooks(module_id=1)
        self.end_request(saved=True)  # the route's activity record saves (manage_modules_routes.py:127)
        return instance

    def save_setting(self, module_class, name, value):
        """An admin saves one setting: IRIS stores it, then runs register_hooks and commits nothing after it.

        The route's last commit comes before register_hooks (manage_modules_routes.py:179-187):
        a deregistration is saved only if something commits during register_hooks (a new
        registration, or the module itself); else the hook stays registered until the module is
        disabled and enabled again.
        """
        for setting in self.stored_settings[module_class._module_name]:
            if setting["param_name"] == name:
                setting["value"] = saved_as(value, setting["type"])
        module_class().register_hooks(module_id=1)
        self.end_request(saved=False)

    def disable(self):
        self.active = False

    def enable(self, module_class):
        """The enable route runs register_hooks, then saves its activity record (manage_modules_routes.py:224-229)."""
        self.active = True
        module_class().register_hooks(module_id=1)
        self.end_request(saved=True)

    def call_hook(self, module_class, hook_name, data, hook_ui_name=None):
        """Fire ``hook_name`` as IRIS's call_modules_hook does (module_handler.py:495-583).

        IRIS calls an active module once for each of its registrations of the hook, or only for
        the one labelled ``hook_ui_name`` (the menu entry clicked), passing that registration's
        label (module_handler.py:512-547). An ``on_preload_`` hook runs in the request: for a
        single object, element [0] of a successful status's data replaces it, outside IRIS's
        error handling, so an empty list raises IndexError (HTTP 500 for the analyst); IRIS
        returns the request data. Other hooks are queued for the worker and run at once here
        (``queue_hooks``, ``run_task``): the status, None when the module was not called, or
        the statuses in a list when several registrations answered.
        """
        if "on_preload_" not in hook_name:
            statuses = [self.run_task(task) for task in self.queue_hooks(module_class, hook_name, data, hook_ui_name)]
            return statuses[0] if len(statuses) == 1 else statuses or None
        was_list = isinstance(data, list)
        for label in self._answering(hook_name, hook_ui_name):
            status = module_class().hooks_handler(hook_name, label, data if was_list else [data])
            if status.is_success():
                data = status.get_data() if was_list else status.get_data()[0]
        return data

    def _answering(self, hook_name, hook_ui_name):
        """The labels of the module's registrations IRIS calls for the hook: none while the module is off."""
        if not self.active:
            return []
        return [label for label in self.hooks.get(hook_name, []) if hook_ui_name is None or label == hook_ui_name]

    def queue_hooks(self, module_class, hook_name, data, hook_ui_name=None):
        """Queue a post-load or manual hook for the worker as IRIS does, a task per registration that
        answers, the data pickled now (module_handler.py:538-547); ``run_task`` runs one."""
        rows = data if isinstance(data, list) else [data]
        return [
            QueuedHook(module_class, hook_name, label, [(row, copy.deepcopy(row)) for row in rows])
            for label in self._answering(hook_name, hook_ui_name)
        ]

    def queue_hook(self, module_class, hook_name, data, hook_ui_name=None):
        """The one task ``queue_hooks`` queues; None when IRIS would not call the module."""
        tasks = self.queue_hooks(module_class, hook_name, data, hook_ui_name)
        assert len(tasks) <= 1, f"{len(tasks)} registrations of {hook_name} answer: use queue_hooks"
        return tasks[0] if tasks else None

    def run_task(self, task):
        """Run a queued hook as IRIS's worker does (task_hook_wrapper, module_handler.py:416-492).

        Each object pickled at queue time is merged into the database and committed before the
        module is called (module_handler.py:446-468): what its row gained since, another task's
        tag or an analyst's edit, is lost. The module gets the objects as the worker's session
        holds them, and what it changed is committed after it, failed or not (module_handler.py:476-481).
        """
        data = []
        for row, pickled in task.objects:
            if isinstance(row, SimpleNamespace):  # a model row; dicts and ids are passed as they are
                vars(row).update(copy.deepcopy(vars(pickled)))  # db.session.merge, then commit
                row = self.attach(row)
            data.append(row)
        status = task.module_class().hooks_handler(task.hook_name, task.hook_ui_name, data)
        self.session_commit()
        self.attached.clear()  # the task is over: its session lets go of its objects
        return status

    def attach(self, row):
        """The object the worker's session gives the module for ``row`` (``db.session.merge``'s answer)."""
        attached = _Attached(row)
        self.attached.append(attached)
        return attached.object

{%- if iris().iocs_belong_to_one_case %}

    def create_ioc(self, module_class, ioc, case_id=1):
        """Add an IOC to a case as IRIS's IOC page does (business/iocs.py:57-80), as a logged-in user.

        A value and type the case already has is refused before any post-load hook: False.
        """
        ioc.case_id = case_id
        if self.case_iocs_db_exists(ioc):
            return False
        ioc.user_id = 1
        self._save_ioc(ioc)
        self.call_hook(module_class, "on_postload_ioc_create", ioc)
        return True

    def case_iocs(self, case_id=1):
        return [ioc for ioc in self.iocs if ioc.case_id == case_id]
{%- else %}

    def create_ioc(self, module_class, ioc, case_id=1):
        """Add an IOC to a case as IRIS's IOC page does (case_ioc_routes.py:195-213), as a logged-in user.

        A value and type the case already has is refused before any post-load hook: False.
        """
        known = self.find_ioc(ioc.ioc_value, _type_id(ioc))
        if known is None:
            ioc.user_id = 1
            self._save_ioc(ioc)
        ioc = known or ioc
        if self.add_ioc_link(ioc.ioc_id, case_id):
            return False
        self.call_hook(module_class, "on_postload_ioc_create", ioc)
        return True

    def case_iocs(self, case_id=1):
        return [ioc for ioc in self.iocs if (ioc.ioc_id, case_id) in self.ioc_links]
{%- endif %}

    def add_case(self, case):
        """A case IRIS's database holds, as get_case finds it; returned."""
        self.cases[case.case_id] = case
        return case

    def get_case(self, caseid):
        """case_db.py:50-51: the case of that id, or None."""
        return self.cases.get(caseid)

{%- if iris().iocs_belong_to_one_case %}

    def link(self, ioc, *case_ids):
        """Put the IOC in its case as {{ iris().name }} does: an IOC has one case, its ``case_id``."""
        (ioc.case_id,) = case_ids
        return ioc
{%- else %}

    def link(self, ioc, *case_ids):
        """Link the IOC to each case as IRIS 2.4 does: an IocLink row (ioc_id, case_id) per case
        (models/models.py:485-493), the IOC itself saved once and shared (case_iocs_db.py:184-227)."""
        for case_id in case_ids:
            self.add_ioc_link(ioc.ioc_id, case_id)
        return ioc

    def unlink(self, ioc_id, case_id):
        """case_iocs_db.py:89-95: the IOC's IocLink to the case deleted; IRIS fires no hook for it
        while another case still links the IOC (business/iocs.py:131-133)."""
        self.ioc_links.discard((ioc_id, case_id))
{%- endif %}

    def _save_ioc(self, ioc):
        """Saved as PostgreSQL saves the row: refused with a NUL in a text, or tags over ioc_tags's String(512)."""
        texts = [getattr(ioc, name, None) or "" for name in ("ioc_value", "ioc_description", "ioc_tags")]
        if any("\x00" in text for text in texts):
            raise DataError("A string literal cannot contain NUL (0x00) characters.")
        if len(texts[2]) > 512:
            raise DataError("value too long for type character varying(512)")
        ioc.ioc_id = len(self.iocs) + 1
        self.iocs.append(ioc)

    # IRIS's data layer, as modules may call it (app.datamgmt.*, app.db) from the worker, where
    # no user is logged in: with IRIS's signatures, results and failures.
{%- if iris().iocs_belong_to_one_case %}
    def case_iocs_db_exists(self, ioc):
        """case_iocs_db.py:149-153: whether the IOC's case already has one of that value and type."""
        return any(
            (known.case_id, known.ioc_value, _type_id(known)) == (ioc.case_id, ioc.ioc_value, _type_id(ioc))
            for known in self.iocs
        )

    def add_ioc(self, ioc, user_id, caseid):
        """case_iocs_db.py:140-146: save ``ioc`` in the case, whatever the case has already; None.

        It calls update_ioc_state(caseid) without the user, which reads flask-login's
        current_user (states.py:39-40): None in the worker, so it fails there.
        """
        ioc.user_id, ioc.case_id = user_id, caseid
        self.session_add(ioc)
        self.update_ioc_state(caseid=caseid)
        self.session_commit()
{%- else %}
    def find_ioc(self, ioc_value, ioc_type_id):
        """case_iocs_db.py:177-181: the IOC of that value and type, or None."""
        return next((known for known in self.iocs if (known.ioc_value, _type_id(known)) == (ioc_value, ioc_type_id)),
                    None)  # fmt: skip

    def add_ioc(self, ioc, user_id, caseid):
        """case_iocs_db.py:184-201: the IOC of that value and type if there is one, else ``ioc`` saved.

        Saving a new one calls update_ioc_state(caseid) without the user, which reads
        flask-login's current_user (states.py:39-40): None in the worker, so it fails there.
        """
        known = self.find_ioc(ioc.ioc_value, _type_id(ioc))
        if known is not None:
            return known, True
        ioc.user_id = user_id
        self.session_add(ioc)
        self.update_ioc_state(caseid=caseid)
        self.session_commit()
        return ioc, False
{%- endif %}

    def update_ioc_state(self, caseid, userid=None):
        """states.py:110-111 and 27-58: the case's IOC table marked changed by ``userid``, else by current_user."""
        if not userid:
            raise AttributeError("'NoneType' object has no attribute 'id' (current_user outside a request)")
        self.ioc_states.append((caseid, userid))

    def session_add(self, row):
        """db.session.add: saved at the next commit."""
        self.pending.append(row)

    def session_commit(self):
        """db.session.commit: pending IOCs get their ids (evidences are saved by add_evidence itself),
        deregistered hooks go, and the attributes the module changed on attached objects reach their rows.
        """
        for row in self.pending:
            self._save_ioc(row)
        self.pending.clear()
        self.registrations -= self.unsaved_removals
        self.unsaved_removals.clear()
        for attached in self.attached:
            attached.flush()

    def session_refresh(self, obj, attribute_names=None):
        """db.session.refresh: the object's attributes read again from its row; an unsaved change to them is lost."""
        attached = self._attached(obj)
        if attached is None:
            raise ValueError(f"Instance {obj!r} is not persistent within this Session")  # as SQLAlchemy says
        attached.load(attribute_names or list(vars(obj)))

    def in_session(self, obj):
        return self._attached(obj) is not None

    def _attached(self, obj):
        return next((attached for attached in self.attached if attached.object is obj), None)

{%- if not iris().iocs_belong_to_one_case %}

    def add_ioc_link(self, ioc_id, caseid):
        """case_iocs_db.py:213-227: link the IOC to the case; True when the link was there already."""
        existed = (ioc_id, caseid) in self.ioc_links
        self.ioc_links.add((ioc_id, caseid))
        return existed
{%- endif %}

    def get_ioc_type_id(self, type_name):
        """case_iocs_db.py:263-268: the IocType row of that exact name, or None, with the format IRIS checks values
        of the type against: one an admin set in ``ioc_type_formats``, else none, as in a fresh database."""
        if type_name not in ROWS["ioc_types"]:
            return None
        regex, expect = self.ioc_type_formats.get(type_name, (None, None))
        return SimpleNamespace(
            type_id=ROWS["ioc_types"].index(type_name) + 1,
            type_name=type_name,
            type_validation_regex=regex,
            type_validation_expect=expect,
        )

    def get_tlps_dict(self):
        """case_iocs_db.py:275-279: TLP name -> id."""
        return {name: number for number, name in enumerate(ROWS["tlps"], start=1)}

    def is_evidence_registered(self, case_id, sha256):
        """evidence_storage.py:24-30."""
        return any(e["case_id"] == case_id and e["file_hash"] == sha256 for e in self.evidences)

    def add_evidence(self, case_id, filename, description, size, sha256, date_added, user_id):
        """evidence_storage.py:32-40 (through case_rfiles_db.add_rfile, which saves at once)."""
        self.evidences.append({"case_id": case_id, "filename": filename, "file_description": description,
                               "file_size": size, "file_hash": sha256, "user_id": user_id})  # fmt: skip

    def get_mod_config_by_name(self, module_name):
        from iris_interface.IrisInterfaceStatus import IIStatus

        settings = self.stored_settings.get(module_name)
        if settings is None:
            return IIStatus(code=0xFF03, message="Module not registered")
        return IIStatus(code=0x2, message="Success", data=copy.deepcopy(settings))

    def search_severity_by_name(self, name, exact_match=True):
        """IRIS's lookup (manage_common.py:47-61): the matching severity rows, case-insensitively."""
        return [
            SimpleNamespace(severity_id=severity_id, severity_name=severity)
            for severity, severity_id in SEVERITIES.items()
            if (severity.lower() == name.lower() if exact_match else name.lower() in severity.lower())
        ]

    def get_server_settings_as_dict(self):
        return dict(self.server_settings)

    def add_tab_attribute_field(self, obj, tab_name, field_name, field_type, field_value, mandatory=None,
                                field_options=None):  # fmt: skip
        """As IRIS does (manage_attribute_db.py:137-165): set ``obj.custom_attributes[tab_name][field_name]``,
        replacing what was there, and save at once. An object without custom attributes (an
        alert in {{ iris().name | replace("IRIS ", "") }}) raises AttributeError, as in IRIS.
        """
        attributes = obj.custom_attributes or {}
        attributes.setdefault(tab_name, {})[field_name] = {
            "mandatory": bool(mandatory), "type": field_type, "value": field_value,
        }  # fmt: skip
        obj.custom_attributes = attributes
        self.added_attributes.append((obj, tab_name, field_name, field_type, field_value))
        self.session_commit()
        return True


class QueuedHook:
    """A hook task in IRIS's queue: the module, the hook, and each object with its pickled copy."""

    def __init__(self, module_class, hook_name, hook_ui_name, objects):
        self.module_class, self.hook_name, self.hook_ui_name = module_class, hook_name, hook_ui_name
        self.objects = objects  # [(row, copy)]


class _Attached:
    """A row as IRIS's database session holds it: a copy, whose changed attributes a commit
    writes to the row (SQLAlchemy updates changed columns only), then reads again (IRIS's session
    keeps SQLAlchemy's expire_on_commit: app/__init__.py:106). A change made to the row meanwhile
    is another transaction's.
    """

    def __init__(self, row):
        self.row = row
        self.object = copy.deepcopy(row)
        self.loaded = copy.deepcopy(vars(row))

    def load(self, names):
        for name in names:
            value = getattr(self.row, name)
            setattr(self.object, name, copy.deepcopy(value))
            self.loaded[name] = copy.deepcopy(value)

    def flush(self):
        for name, value in vars(self.object).items():
            if name not in self.loaded or self.loaded[name] != value:
                setattr(self.row, name, copy.deepcopy(value))
        self.load(list(vars(self.row)))


host = FakeIris()


def _calls(*names):
    """Stand-ins for IRIS's functions of these names, each calling the current fake host's method."""
    return {name: _calling(name) for name in names}


def _calling(name):
    def stand_in(*args, **kwargs):
        return getattr(host, name)(*args, **kwargs)

    return stand_in


class _FakeEvidenceStorage:
    """iris-interface's ``EvidenceStorage``: IRIS's evidence_storage.py, over the fake host."""

    @staticmethod
    def is_evidence_registered(case_id, sha256):
        return host.is_evidence_registered(case_id, sha256)

    @staticmethod
    def add_evidence(case_id, filename, description, size, sha256, date_added, user_id):
        return host.add_evidence(case_id, filename, description, size, sha256, date_added, user_id)


class _FakeSession:
    """``app.db.session``: IRIS's SQLAlchemy session, over the fake host."""

    def add(self, row):
        host.session_add(row)

    def commit(self):
        host.session_commit()

    def refresh(self, instance, attribute_names=None, with_for_update=None):
        host.session_refresh(instance, attribute_names)  # one process here: no row to lock

    def __contains__(self, instance):
        return host.in_session(instance)


class _Row(SimpleNamespace):
    """An IRIS model row (``Ioc(...)``): keyword arguments become attributes."""
{%- if not iris().iocs_belong_to_one_case %}


class _Query:
    """Flask-SQLAlchemy's ``Model.query`` over rows the fake host holds: ``filter_by(column=value)``, then
    ``all()`` or ``first()``."""

    def __init__(self, rows):
        self.rows = rows

    def filter_by(self, **columns):
        return _Query(lambda: [row for row in self.rows() if all(getattr(row, k) == v for k, v in columns.items())])

    def all(self):
        return list(self.rows())

    def first(self):
        return next(iter(self.rows()), None)


class _IocLink:
    """IRIS 2.4's IocLink (models/models.py:485-493): one row per (ioc_id, case_id) that ties an IOC to a case;
    ``IocLink.query`` reads the fake host's ``ioc_links``."""

    def __init__(self, ioc_id, case_id):
        self.ioc_id, self.case_id = ioc_id, case_id

    @classmethod
    def _rows(cls):
        return [cls(ioc_id, case_id) for ioc_id, case_id in sorted(host.ioc_links)]


_IocLink.query = _Query(_IocLink._rows)
{%- endif %}


class _Schema:
    """A stand-in for one of IRIS's marshmallow schemas (app.schema.marshables), for ``dump`` only.

    IRIS's are marshmallow-sqlalchemy auto schemas with ``include_fk``: a dump holds every column of
    the model (None where the row has none), foreign keys included, and the nested fields the schema
    declares, not the other relationships; UUIDs and dates as text. The columns are 2.4.20's models'.
    """

    columns = ()  # the model's columns
    nested = {}  # declared field -> the schema of what it holds (None: the object's attributes as they are)

    def __init__(self, many=False, only=None, exclude=()):
        self.many, self.only, self.exclude = many, only, set(exclude)

    def dump(self, obj, many=None):
        if self.many if many is None else many:
            return [self.dump(one, many=False) for one in obj]
        shown = {name: _dumped(getattr(obj, name, None)) for name in self.columns}
        for name, schema in self.nested.items():
            if not hasattr(obj, name):  # marshmallow leaves out a declared field the object lacks
                continue
            value = getattr(obj, name)
            if value is None:
                shown[name] = None
            elif schema is None:
                shown[name] = _dumped(value)
            else:
                shown[name] = schema().dump(value)
        return {
            name: value
            for name, value in shown.items()
            if name not in self.exclude and (self.only is None or name in self.only)
        }


def _dumped(value):
    """A value as marshmallow dumps it: UUIDs and dates as text, a nested object as its attributes."""
    if isinstance(value, SimpleNamespace):
        return {name: _dumped(item) for name, item in vars(value).items()}
    if isinstance(value, (list, tuple)):
        return [_dumped(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__name__ == "UUID":
        return str(value)
    return value


class IocTypeSchema(_Schema):
    """marshables.py:902-917; models.py:474-482."""

    columns = ("type_id", "type_name", "type_description", "type_taxonomy", "type_validation_regex",
               "type_validation_expect")  # fmt: skip


class IocSchema(_Schema):
    """marshables.py:951-967 (ioc_type nested); models.py:406-423."""

    columns = ("ioc_id", "ioc_uuid", "ioc_value", "ioc_type_id", "ioc_description", "ioc_tags", "user_id", "ioc_misp",
               "ioc_tlp_id", "custom_attributes", "ioc_enrichment", "modification_history"{% if iris().iocs_belong_to_one_case %}, "case_id"{% endif %})  # fmt: skip
    nested = {"ioc_type": IocTypeSchema}


class AssetTypeSchema(_Schema):
    """marshables.py:565-581; models.py:145-152."""

    columns = ("asset_id", "asset_name", "asset_description", "asset_icon_not_compromised", "asset_icon_compromised")


class AnalysisStatusSchema(_Schema):
    """models.py:202-206."""

    columns = ("id", "name")


class CaseAssetsSchema(_Schema):
    """marshables.py:657-675 (ioc_links, asset_type, alerts, analysis_status declared); models.py:174-199."""

    columns = ("asset_id", "asset_uuid", "asset_name", "asset_description", "asset_domain", "asset_ip", "asset_info",
               "asset_compromise_status_id", "asset_type_id", "asset_tags", "case_id", "date_added", "date_update",
               "user_id", "analysis_status_id", "custom_attributes", "asset_enrichment", "modification_history")  # fmt: skip
    nested = {"ioc_links": None, "asset_type": AssetTypeSchema, "alerts": None, "analysis_status": AnalysisStatusSchema}


def install():
    """Put the ``app.*`` stand-ins in ``sys.modules`` and return a fresh FakeIris behind them."""
    global host
    host = FakeIris()
    stand_ins = {
        "app.datamgmt.iris_engine.evidence_storage": {"EvidenceStorage": _FakeEvidenceStorage},
        "app": {"db": SimpleNamespace(session=_FakeSession())},
{%- if iris().iocs_belong_to_one_case %}
        "app.datamgmt.case.case_iocs_db": _calls("case_iocs_db_exists", "add_ioc", "get_ioc_type_id", "get_tlps_dict"),
{%- else %}
        "app.datamgmt.case.case_iocs_db": _calls(
            "find_ioc", "add_ioc", "add_ioc_link", "get_ioc_type_id", "get_tlps_dict"
        ),
{%- endif %}
        "app.datamgmt.states": _calls("update_ioc_state"),
        "app.datamgmt.case.case_db": _calls("get_case"),
        "app.datamgmt.manage.manage_srv_settings_db": _calls("get_server_settings_as_dict"),
        "app.datamgmt.manage.manage_common": _calls("search_severity_by_name"),
        "app.datamgmt.manage.manage_attribute_db": {
            **_calls("add_tab_attribute_field"),
            "get_default_custom_attributes": lambda object_type: {},
        },
        "app.iris_engine.module_handler.module_handler": _calls(
            "register_hook", "deregister_from_hook", "get_mod_config_by_name"
        ),
{%- if iris().iocs_belong_to_one_case %}
        {{ iris().models_module | tojson }}: {"Ioc": _Row},
{%- else %}
        {{ iris().models_module | tojson }}: {"Ioc": _Row, "IocLink": _IocLink},
{%- endif %}
        "app.schema.marshables": {"IocSchema": IocSchema, "CaseAssetsSchema": CaseAssetsSchema},
    }
    for dotted, names in stand_ins.items():
        parts = dotted.split(".")
        for depth in range(1, len(parts) + 1):
            sys.modules.setdefault(".".join(parts[:depth]), types.ModuleType(".".join(parts[:depth])))
        sys.modules[dotted].__dict__.update(names)
    return host


def load_like_iris(package):
    """The module class, found as IRIS finds it: package -> __iris_module_interface -> class."""
    root = importlib.import_module(package)
    class_name = root.__iris_module_interface
    return getattr(importlib.import_module(f"{package}.{class_name}"), class_name)


def health_problems(instance):
    """What {{ iris().name }} would refuse when the module is added or its settings page is opened."""
    from packaging.version import Version

    problems = []
    low, high = (Version(bound) for bound in INTERFACE_VERSIONS)
    version = str(instance.get_interface_version())
    if not isinstance(instance._interface_version, str):
        problems.append(f"_interface_version is a {type(instance._interface_version).__name__}; write a string")
    elif not low <= Version(version) <= high:
        problems.append(f"_interface_version {version} is outside {INTERFACE_VERSIONS[0]}..{INTERFACE_VERSIONS[1]}")
    if instance.get_module_type() not in ("module_pipeline", "module_processor"):
        problems.append(f"_module_type {instance.get_module_type()!r} is neither module_pipeline nor module_processor")
    if instance.is_providing_pipeline():
        info = instance.pipeline_get_info()
        missing = [key for key in PIPELINE_KEYS if not (isinstance(info, dict) and info.get(key))]
        if missing:
            problems.append(f"pipeline_info lacks {', '.join(missing)}")
    if not isinstance(instance.get_module_version(), str):
        problems.append("_module_version is not a string")
    problems += settings_problems(instance.get_init_configuration())
    problems += hook_problems(type(instance))
    if not problems and not instance.is_ready():
        problems.append(f"is_ready() is false: {'; '.join(instance.message_queue)}")
    return problems


def settings_problems(settings):
    """Settings IRIS cannot store or show: missing keys, unknown types, defaults of the wrong type."""
    problems = []
    names = [setting.get("param_name") for setting in settings]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"setting {name!r} is declared twice")
    for setting in settings:
        name = setting.get("param_name", "?")
        missing = [key for key in SETTING_KEYS if key not in setting]
        if missing:
            problems.append(f"setting {name!r} lacks {', '.join(missing)}")
            continue
        if setting["type"] not in IRIS_SETTING_TYPES:
            problems.append(f"setting {name!r} has type {setting['type']!r}, unknown to IRIS")
        elif setting["default"] is not None and not _fits(setting["default"], setting["type"]):
            problems.append(f"setting {name!r}: default {setting['default']!r} is not a {setting['type']}")
    return problems


def hook_problems(module_class):
    """Rows of a processor's hook table that IRIS could not register or switch."""
    problems = []
    settings = {setting.get("param_name"): setting.get("type") for setting in module_class._module_configuration}
    for hook in getattr(module_class, "hooks", ()):
        if hook.name not in IRIS_HOOKS:
            problems.append(f"hook {hook.name!r} is not one IRIS {CATALOGUE['iris_version']} has (iris_hooks.json)")
        if settings.get(hook.name) != "bool":
            problems.append(f"hook {hook.name!r} has no bool setting of its name to switch it")
    return problems


def _type_id(ioc):
    """An IOC's type id, whether it was built with ``ioc_type_id`` (data layer) or an ``ioc_type`` (hooks)."""
    if getattr(ioc, "ioc_type_id", None) is not None:
        return ioc.ioc_type_id
    return ROWS["ioc_types"].index(ioc.ioc_type.type_name) + 1


def _fits(value, setting_type):
    if setting_type == "bool":
        return isinstance(value, bool)
    if setting_type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def switches(module_class, on=True):
    """Every hook switch of the module, set: for tests that must hold whatever config.py's defaults are."""
    return {hook.name: on for hook in getattr(module_class, "hooks", ())}


def saved_as(value, setting_type):
    """A value as IRIS saves what an admin typed (modules_db.py:76-96): text as typed, but a bool
    cast at once, true only for the word "true" and false for anything else."""
    if setting_type != "bool":
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return value if isinstance(value, bool) else False


def filled_mandatory(module_class):
    """A value for each mandatory setting without a default, as an admin fills them before enabling the module."""
    samples = {"bool": True, "int": 1, "textfield_json": "{}"}
    unset = unset_mandatory(module_class._module_configuration)
    return {
        s["param_name"]: samples.get(s["type"], f"{s['param_name']}-value")
        for s in module_class._module_configuration
        if s["param_name"] in unset
    }


def unset_mandatory(settings):
    """Mandatory settings with no default: IRIS switches the module off until an admin fills them."""
    return [s["param_name"] for s in settings if s.get("mandatory") and s.get("default") in (None, "")]


{%- if iris().iocs_belong_to_one_case %}


# Objects as hooks carry them ({{ iris().name }} models). An IOC belongs to one case (case_id).
def ioc(value="203.0.113.7", type_name="ip-dst", tags="", **attributes):
    fields = {"ioc_id": 1, "case_id": 1, "ioc_description": "", "ioc_tlp_id": 2, "custom_attributes": {}, **attributes}
{%- else %}


# Objects as hooks carry them (IRIS 2.4 models). In 2.4 an IOC has no case_id: it is
# linked to cases through IocLink.
def ioc(value="203.0.113.7", type_name="ip-dst", tags="", **attributes):
    fields = {"ioc_id": 1, "ioc_description": "", "ioc_tlp_id": 2, "custom_attributes": {}, **attributes}
{%- endif %}
    return SimpleNamespace(ioc_value=value, ioc_type=SimpleNamespace(type_name=type_name), ioc_tags=tags, **fields)


def asset(name="WKS-001", **attributes):
    fields = {"asset_id": 1, "case_id": 1, "asset_ip": "", "asset_domain": "", "asset_tags": "", **attributes}
    return SimpleNamespace(asset_name=name, custom_attributes={}, **fields)


def note(title="Note", content="", **attributes):
    return SimpleNamespace(note_id=1, note_case_id=1, note_title=title, note_content=content, **attributes)


def case(name="#1 - Example case", **attributes):
    fields = {"case_id": 1, "description": "", "custom_attributes": {}, **attributes}
    return SimpleNamespace(name=name, **fields)


def evidence(filename="disk.E01", **attributes):
    return SimpleNamespace(id=1, case_id=1, filename=filename, file_hash="", file_size=0, **attributes)


def alert(title="Alert", **attributes):
    """An alert. {{ iris().name }}'s alerts have no custom_attributes: no tab can be written on them."""
    fields = {"alert_id": 1, "alert_description": "", "alert_tags": "", "alert_note": "",
              "alert_severity_id": SEVERITIES["Medium"], **attributes}  # fmt: skip
    return SimpleNamespace(alert_title=title, **fields)


def event(title="Logon", **attributes):
    fields = {"event_id": 1, "case_id": 1, "event_content": "", "event_raw": "", "event_tags": "", **attributes}
    return SimpleNamespace(event_title=title, custom_attributes={}, **fields)


def task(title="Collect triage", **attributes):
    fields = {"id": 1, "task_case_id": 1, "task_description": "", "task_tags": "", **attributes}
    return SimpleNamespace(task_title=title, custom_attributes={}, **fields)


def global_task(title="Review alerts", **attributes):
    return SimpleNamespace(id=1, task_title=title, task_description="", task_tags="", **attributes)


FACTORIES = {
    "ioc": ioc, "asset": asset, "note": note, "case": case, "evidence": evidence, "alert": alert, "event": event,
    "task": task, "global_task": global_task,
}  # fmt: skip


def pipeline_data(module, folder, **args):
    """What IRIS passes to pipeline_handler when a user runs the pipeline on files in ``folder``.

    Each required pipeline argument gets a sample value unless ``args`` gives one.
    """
    arguments = module.pipeline_get_info()["pipeline_args"]
    required = {name: f"sample-{name}" for name, need in arguments if need == "required"}
    return {
        "pipeline_args": {**required, **args}, "user": "analyst", "user_id": 1, "case_name": "#1 - Case", "case_id": 1,
        "path": str(folder), "db_name": "iris", "is_update": True,
    }  # fmt: skip


def run_pipeline(module, folder, **args):
    """Run the pipeline as IRIS's worker does, on the files in ``folder``."""
    return module.pipeline_handler("pipeline_update", pipeline_data(module, folder, **args))


def call_once(module, folder):
    """Call the module as IRIS does: its first hook (a processor) or its pipeline on ``folder``; the status."""
    if module.get_module_type() == "module_processor":
        hook = type(module).hooks[0]
        return module.hooks_handler(hook.name, menu_label(module, hook.name), hook_data(hook.name))
    return run_pipeline(module, folder)


def menu_label(module, hook_name):
    """The label IRIS calls a processor's hook under: that of its first registration of the hook
    (registrations(), which a module may decide from its settings); None when it has none."""
    return next((row.menu_label for row in module.registrations(module.settings()) if row.hook == hook_name), None)


def stand_in_handler(module_class, monkeypatch, handler):
    """Put ``handler(data, context)`` in place of the module's handlers: for tests of the glue, not your logic.

    A pipeline's process_file(path, context) calls it with ``[path]``.
    """
    if module_class._module_type == "module_processor":
        rows = tuple(dataclasses.replace(hook, handler=handler) for hook in module_class.hooks)
        monkeypatch.setattr(module_class, "hooks", rows)
    else:
        process_file = staticmethod(lambda path, context: str(handler([path], context)))
        monkeypatch.setattr(module_class, "process_file", process_file)


{%- if iris().comments_as_objects %}


def comment(text="Seen on three hosts"):
    """A Comments row (models/models.py:764-779), as comment edit hooks carry it."""
    return SimpleNamespace(comment_id=1, comment_text=text, comment_date="2024-01-01T00:00:00", comment_user_id=1,
                           comment_case_id=1, comment_alert_id=None)  # fmt: skip
{%- else %}


def comment(text="Seen on three hosts"):
    return {"comment_id": 1, "comment_text": text, "comment_date": "2024-01-01T00:00:00", "comment_user_id": 1}
{%- endif %}


def hook_data(hook_name):
    """A list like the one IRIS passes to ``hook_name``, shaped as tests/iris_hooks.json says."""
    hook = IRIS_HOOKS[hook_name]
    kind, shape = hook["kind"], hook["data"]
    title = CATALOGUE["kinds"][kind]["title"]
    if shape == "objects":
        return [FACTORIES[kind]()]
    if shape == "request_dict":
        return [{title: "New " + kind.replace("_", " ")}]
    if shape == "comment_and_object_dicts":
        return [{"comment": comment(), kind: {title: kind}}]
    if shape in ({{ ("comment_objects" if iris().comments_as_objects else "comment_dict") | tojson }}, "never_fired"):
        return [comment()]
    if shape == "report_dict":
        return [{"report_id": 1, "case_id": 1, "user_name": "analyst", "file": "", "file_path": "/tmp/report"}]
    if shape == "request_body":
        return [{"csrf_token": "token"}]
    return [1]  # ids, ids_or_dict


def main(package, typed=()):
    """Print what IRIS will say about the module, with settings ``typed`` as an admin types them
    (``name=value``); exit 1 when IRIS would refuse it or a typed setting stops every call."""
    install()
    try:
        module_class = load_like_iris(package)
        host.configure(module_class, **dict(setting.partition("=")[::2] for setting in typed))
        instance = module_class()
    except Exception as error:  # report it as IRIS would, without a traceback
        print(f"FAIL  IRIS cannot load {package}: {type(error).__name__}: {error}")
        return 1
    problems = health_problems(instance)
    print(f"Module   {instance.get_module_name()} {instance.get_module_version()} ({instance.get_module_type()})")
    print(f"Loader   {package}.{module_class.__name__}")
    for problem in problems:
        print(f"FAIL  {problem}")
    reading = importlib.import_module(f"{package}.settings")
    settings, unset = instance.settings(), unset_mandatory(instance.get_init_configuration())
    for name, problem in reading.problems(settings).items():
        if name in unset and name in reading.empty_mandatory(settings):
            print(f"NOTE  {problem}: fill it in before enabling the module (IRIS keeps it off until then)")
        else:
            problems.append(problem)
            print(f"FAIL  {problem}: every call stops here, nothing is sent")
    for note in reading.notes(settings):
        print(f"NOTE  {note}")
    print("OK    IRIS will accept this module" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tests/fake_iris.py <package> [setting=value ...]")
    sys.path.insert(0, ".")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
