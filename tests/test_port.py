"""AGENTS.md's porting checklist, followed on a bake: ioc-enrichment moved off VirusTotal to a MISP-like service.

The port is what issue #29 rebuilt by hand: searches sent as POSTs (safe to repeat), a menu entry per
search an admin lists in a JSON setting (registrations from the settings), the clicked entry choosing
the search, a search's own key inside that JSON kept out of everything IRIS shows (SECRET_FIELDS),
the matches as a table in the report. Only the files the checklist names change; the
ported project's own tests, ruff and its README check must pass.
"""

import shutil
import subprocess
import sys

from conftest import assert_runs_clean, run_baked_suite

PACKAGE = "iris_search_module"

# 1. Client: the only code that knows the service.
CLIENT = '''"""A MISP-like search API: POST <api_url>/attributes/restSearch, the key in Authorization."""


class Client:
    def __init__(self, session, api_url, api_key):
        self.session, self.api_url, self.api_key = session, api_url.rstrip("/"), api_key

    def search(self, value, days):
        """The attributes matching ``value`` seen in the last ``days`` (0: ever), as records."""
        query = {"value": value, "last": f"{days}d"} if days else {"value": value}
        response = self.session.post(
            f"{self.api_url}/attributes/restSearch",
            json=query,
            headers={"Authorization": self.api_key},
            safe_to_repeat=True,  # a search changes nothing: retried after a 5xx like a GET
        )
        response.raise_for_status()
        found = response.json().get("response", {}).get("Attribute")
        if not isinstance(found, list):
            raise ValueError(f"the service answered {str(found)[:80]!r} where a list of attributes was due")
        return [{"event": hit.get("event_id"), "category": hit.get("category")} for hit in found]
'''

# 4. Handler: the search the clicked menu entry names, the matches as a table.
HANDLER = '''"""Search IOCs in a MISP-like service; leave the matches as a table in a report tab."""

import json

from . import config, iris_objects
from .client import Client
from .context import Context
from .http_session import new_session
from .report import render_report

# IRIS lists every module's menu entries side by side: each names the module.
MENU_PREFIX = f"{config.MODULE_NAME} search: "


def searches(settings):
    """The admin's searches: name -> {"days": days of history (0: ever), "key": its own key, if any}."""
    return json.loads(settings.searches)


def handle_iocs(iocs: list, context: Context) -> list:
    settings = context.settings
    known = searches(settings)
    # A menu entry names its search; an automatic hook runs the first one.
    name = context.menu_label[len(MENU_PREFIX) :] if context.menu_label else next(iter(known))
    search = known[name]
    session = new_session(settings, context.server_settings, log=context.log)
    client = Client(session, settings.api_url, search.get("key") or settings.api_key)
    for ioc in iocs:
        with context.isolate(f"IOC {ioc.ioc_value!r}"):
            matches = client.search(ioc.ioc_value, search["days"])
            fields = {"Search": name, "Matches": len(matches)}
            html = render_report(settings.report_template, title=ioc.ioc_value, fields=fields, tables={"Events": matches})
            iris_objects.set_report_tab(ioc, settings.report_tab, html)
    return iocs
'''

# Registrations from the settings: a menu entry per search, while the manual hook's switch is on.
REGISTRATIONS = """

    def registrations(self, settings):
        rows = [row for row in super().registrations(settings) if row.hook != "on_manual_trigger_ioc"]
        if not settings.on_manual_trigger_ioc:
            return rows
        menu = [Registration("on_manual_trigger_ioc", handler.MENU_PREFIX + name) for name in handler.searches(settings)]
        return rows + menu
"""

# 3. Settings: one more, which the admin lists the searches in.
SEARCHES_SETTING = """    {
        "param_name": "searches",
        "param_human_name": "Searches",
        "param_description": 'Name -> {"days": days of history, 0 for all, "key": its own key}: a menu entry each.',
        "default": '{"last week": {"days": 7}, "all time": {"days": 0}}',
        "mandatory": True,
        "type": "textfield_json",
        "section": "Search",
    },
]
"""
# A search's own key is a secret inside the JSON: masked like api_key wherever IRIS shows text.
SECRET_FIELDS = """SECRET_FIELDS = {"searches": ("key",)}"""

# 2. Fake and tests: the service scripted on the baked FakeService.
TESTS = '''"""The search port: a menu entry per search, the clicked one sent as a POST, retried after a 5xx."""

import json

import fake_iris
import pytest
from fake_service import FakeService

HOOK = "on_manual_trigger_ioc"
ANSWER = {"response": {"Attribute": [{"event_id": "12", "category": "<b>Network</b>"}]}}


@pytest.fixture
def service():
    with FakeService() as running:
        yield running


@pytest.fixture
def added(iris, module_class, service):
    settings = {"api_url": service.url, "api_key": "k-123", "requests_per_minute": 0, HOOK: True}
    iris.add_module(module_class, **settings)
    return iris


def test_each_search_is_a_menu_entry(added):
    assert added.hooks[HOOK] == ["IrisSearch search: all time", "IrisSearch search: last week"]


def test_the_clicked_search_is_posted_and_retried_after_a_5xx_and_its_matches_tabled(added, module_class, service):
    service.answer("/attributes/restSearch", (503, {}, {"Retry-After": "0"}), (200, ANSWER))
    ioc = fake_iris.ioc("evil.example", "domain")

    status = added.call_hook(module_class, HOOK, [ioc], hook_ui_name="IrisSearch search: last week")

    assert status.is_success(), status.get_message()
    assert [request.json() for request in service.requests] == [{"value": "evil.example", "last": "7d"}] * 2
    assert service.requests[0].headers["Authorization"] == "k-123"
    report = ioc.custom_attributes["Report"]["Report"]["value"]
    assert "<td>12</td><td>&lt;b&gt;Network&lt;/b&gt;</td>" in report


def test_a_search_taken_out_of_the_settings_leaves_the_menu(added, module_class):
    added.save_setting(module_class, "searches", '{"all time": {"days": 0}}')

    assert added.hooks[HOOK] == ["IrisSearch search: all time"]


def test_a_searchs_own_key_is_sent_and_never_shown(added, module_class, service):
    key = "org-7f3a9c2e51d04b8a"
    added.save_setting(module_class, "searches", json.dumps({"theirs": {"days": 1, "key": key}}))
    service.answer("/attributes/restSearch", (200, {"response": {"Attribute": f"key {key} is not valid"}}))

    status = added.call_hook(module_class, HOOK, [fake_iris.ioc("evil.example", "domain")], hook_ui_name="IrisSearch search: theirs")

    assert service.requests[0].headers["Authorization"] == key
    assert not status.is_success()
    shown = "\\n".join([status.get_message(), *status.get_logs()])
    assert "is not valid" in shown and key not in shown
'''


def test_the_porting_checklist_moves_a_preset_to_another_service(bake, tmp_path):
    project = tmp_path / "ported"
    shutil.copytree(bake(module_type="processor", preset="ioc-enrichment", keyword="search"), project)
    package = project / PACKAGE

    (package / "client.py").write_text(CLIENT, encoding="utf-8")
    (package / "handler.py").write_text(HANDLER, encoding="utf-8")
    config = package / "config.py"
    source = config.read_text("utf-8").rstrip().removesuffix("]") + SEARCHES_SETTING
    config.write_text(source.replace("SECRET_FIELDS = {}", SECRET_FIELDS), encoding="utf-8")
    module = package / "IrisSearchInterface.py"
    source = module.read_text("utf-8").replace(
        "import Hook, ProcessorModule", "import Hook, ProcessorModule, Registration"
    )
    module.write_text(source.rstrip() + "\n" + REGISTRATIONS, encoding="utf-8")
    (project / "tests" / "test_handler.py").write_text(TESTS, encoding="utf-8")
    # 6. Delete what only the old service needed.
    (project / "tests" / "fake_virustotal.py").unlink()
    subprocess.run([sys.executable, "tests/readme_settings.py", PACKAGE], cwd=project, check=True)
    assert_runs_clean(project, ["ruff", "format", "--no-cache", "."])

    run_baked_suite(project)
