"""The enrichment end to end: the module class, the handler and the client against a fake VirusTotal.

The fake answers as VT's API v3 reference documents (tests/fake_virustotal.py); the time
the module waits is a fake clock's (tests/fake_clock.py). Settings are the defaults of
config.py but for the address and key, and every hook switched on.
"""

import dataclasses
import importlib
from datetime import datetime, timezone

import fake_iris
import fake_virustotal as vt
import pytest
from fake_clock import FakeClock
from fake_service import FakeService

from {{ cookiecutter.__package_name }} import http_session

API_KEY = "k-0123456789abcdef"
TAG = "{{ cookiecutter.keyword }}"
HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.fixture
def service():
    with FakeService() as running:
        yield running


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return FakeClock.install(monkeypatch, http_session)


@pytest.fixture(autouse=True)
def logs_at_info(caplog):
    # As IRIS does (its app/__init__.py: basicConfig at INFO), before the module logs anything.
    caplog.set_level("INFO")


@pytest.fixture
def module(make_module, module_class, service):
    return configured(make_module, module_class, service)


def configured(make_module, module_class, service, **settings):
    switches = fake_iris.switches(module_class)  # whatever config.py's defaults are
    return make_module(api_url=service.url, api_key=API_KEY, **switches, **settings)


def enrich(module, *iocs, hook="on_postload_ioc_create"):
    status = module.hooks_handler(hook, None, list(iocs))
    assert status.is_success(), status.get_message()
    return status


def report_of(ioc):
    return ioc.custom_attributes["Report"]["Report"]["value"]


def test_a_malicious_answer_is_tagged_malicious_with_the_detections_in_the_tab(module, service):
    service.answer("/domains/evil.example", vt.found("domain", "evil.example", malicious=40, undetected=30))
    ioc = fake_iris.ioc("evil.example", "domain")

    enrich(module, ioc)

    assert ioc.ioc_tags == f"{TAG}:malicious"
    report = report_of(ioc)
    assert "40 / 70" in report and "MaliciousEngine1 (malicious)" in report and "MaliciousEngine40" in report
    assert "2024-05-01 10:00 UTC" in report
    assert '<a href="https://www.virustotal.com/gui/domain/evil.example"' in report
    assert "<details>" in report and "last_analysis_stats" in report
    # TODO: assert the fields and tags your report_fields() and tags() choose.
    [(method, path, headers)] = service.requests
    assert (method, path, headers["x-apikey"]) == ("GET", "/domains/evil.example", API_KEY)


@pytest.mark.parametrize(
    ("stats", "settings", "expected"),
    [
        ({"malicious": 3}, {}, "malicious"),
        ({"malicious": 2}, {}, "suspicious"),
        ({"suspicious": 1, "harmless": 60}, {}, "suspicious"),
        ({"harmless": 60, "undetected": 10}, {}, "harmless"),
        ({}, {}, "unrated"),
        ({"malicious": 2}, {"malicious_threshold": 2}, "malicious"),
        ({"suspicious": 1}, {"suspicious_threshold": 2}, "harmless"),
    ],
)
def test_the_verdict_follows_the_thresholds(make_module, module_class, service, stats, settings, expected):
    module = configured(make_module, module_class, service, **settings)
    service.answer("/ip_addresses/203.0.113.7", vt.found("ip_address", "203.0.113.7", **stats))
    ioc = fake_iris.ioc("203.0.113.7", "ip-dst")

    enrich(module, ioc)

    assert ioc.ioc_tags == f"{TAG}:{expected}"


def test_a_threshold_below_one_is_named_in_the_error(make_module, module_class, service):
    module = configured(make_module, module_class, service, malicious_threshold=0)
    service.answer("/domains/evil.example", vt.found("domain", "evil.example", harmless=1))

    status = module.hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc("evil.example", "domain")])

    assert status.is_failure() and "The malicious_threshold setting is 0" in status.get_message()


def test_a_url_is_looked_up_by_its_unpadded_base64url_id_and_linked_by_vts_id(module, service):
    url = "https://evil.example/login?next=~/a>b"
    url_id = "aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4_bmV4dD1-L2E-Yg"  # VT's doc page "URLs": unpadded base64url
    vt_id = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # the SHA-256 VT answers with
    service.answer(f"/urls/{url_id}", vt.found("url", vt_id, malicious=5))
    ioc = fake_iris.ioc(url, "url")

    enrich(module, ioc)

    assert [path for _, path, _ in service.requests] == [f"/urls/{url_id}"]
    assert f'href="https://www.virustotal.com/gui/url/{vt_id}"' in report_of(ioc)


def test_a_new_verdict_replaces_the_last_and_the_report(module, service):
    service.answer(
        "/ip_addresses/203.0.113.7",
        vt.found("ip_address", "203.0.113.7", malicious=9),
        vt.found("ip_address", "203.0.113.7", harmless=60),
    )
    ioc = fake_iris.ioc("203.0.113.7", "ip-dst", tags="triage")

    enrich(module, ioc)
    enrich(module, ioc, hook="on_manual_trigger_ioc")

    assert ioc.ioc_tags == f"triage,{TAG}:harmless"
    assert list(ioc.custom_attributes) == ["Report"] and "0 / 60" in report_of(ioc)


def test_an_ioc_vt_does_not_know_is_tagged_not_found(module, service):
    service.answer("/domains/new.example", vt.not_found('Domain "new.example"'))
    ioc = fake_iris.ioc("new.example", "domain", tags=f"{TAG}:malicious")

    enrich(module, ioc)

    assert ioc.ioc_tags == f"{TAG}:not-found" and not ioc.custom_attributes


def test_a_404_that_is_not_vts_not_found_is_an_error(module, service):
    # A wrong api_url answers 404 for everything: that is not "VT does not know it".
    ioc = fake_iris.ioc("evil.example", "domain")

    status = module.hooks_handler("on_postload_ioc_create", None, [ioc])

    assert status.is_failure() and "VirusTotal answered 404: no VirusTotal error" in status.get_message()
    assert ioc.ioc_tags == ""


@pytest.mark.parametrize(
    ("answer", "missing"),
    [
        ((200, {"verdict": "malicious"}), "no data (dict)"),
        ((200, {"data": {"id": "x", "attributes": {"reputation": 0}}}), "no data.attributes.last_analysis_stats"),
        ((200, {"data": {"id": "x", "attributes": {"last_analysis_stats": {"harmless": 3}}}}), "lacks malicious"),
        ((200, {"data": {"attributes": {"last_analysis_stats": {}}}}), "no data.id (str)"),
    ],
)
def test_an_answer_the_client_cannot_read_is_an_error_never_a_verdict(module, service, answer, missing):
    service.answer("/domains/odd.example", answer)
    ioc = fake_iris.ioc("odd.example", "domain")

    status = module.hooks_handler("on_postload_ioc_create", None, [ioc])

    assert status.is_failure() and "UnreadableAnswer" in status.get_message() and missing in status.get_message()
    assert ioc.ioc_tags == "" and not ioc.custom_attributes


@pytest.mark.parametrize("refusal", [vt.wrong_key(), vt.no_key()], ids=["wrong key", "no key"])
def test_a_refused_key_is_reported_with_vts_reason_and_without_the_key(module, service, refusal):
    service.answer("/domains/evil.example", refusal)
    iocs = [fake_iris.ioc("evil.example", "domain")]

    status = module.hooks_handler("on_postload_ioc_create", None, iocs)

    code = refusal[1]["error"]["code"]
    assert status.is_failure() and status.get_data() is iocs
    assert f"VirusTotal answered 401 {code}" in status.get_message()
    assert "check the api_key setting" in status.get_message()
    assert API_KEY not in status.get_message() + "".join(status.get_logs())


def test_a_429_waits_as_vt_asks_then_the_lookup_goes_on(module, service, clock):
    service.answer("/domains/busy.example", vt.quota_exceeded(), vt.found("domain", "busy.example", harmless=1))
    ioc = fake_iris.ioc("busy.example", "domain")

    status = enrich(module, ioc)

    assert clock.waits == [60] and len(service.requests) == 2  # VT's quotas are per minute; it sends no Retry-After
    assert ioc.ioc_tags == f"{TAG}:harmless"
    assert any("Waiting 60 s before retry 1 of 3: the service answered 429" in line for line in status.get_logs())


def test_a_429_with_retry_after_waits_what_it_asks(module, service, clock):
    status, body = vt.quota_exceeded()
    service.answer("/domains/busy.example", (status, body, {"Retry-After": "20"}), vt.found("domain", "busy.example"))

    enrich(module, fake_iris.ioc("busy.example", "domain"))

    assert clock.waits == [20]


def test_the_iocs_of_one_call_are_spaced_under_the_rate_limit(module, service, clock):
    iocs = [fake_iris.ioc(f"host{n}.example", "domain") for n in range(3)]
    for ioc in iocs:
        service.answer(f"/domains/{ioc.ioc_value}", vt.found("domain", ioc.ioc_value, harmless=1))

    status = enrich(module, *iocs)

    assert clock.waits == [15, 15]  # 4 requests a minute by default: VT's public API
    assert sum("to stay under 4 requests a minute" in line for line in status.get_logs()) == 2


def test_a_failing_ioc_does_not_stop_the_next(module, service):
    service.answer("/domains/down.example", (503, {}))
    service.answer("/domains/evil.example", vt.found("domain", "evil.example", malicious=40))
    down, evil = fake_iris.ioc("down.example", "domain"), fake_iris.ioc("evil.example", "domain")

    status = module.hooks_handler("on_postload_ioc_create", None, [down, evil])

    assert status.is_failure() and status.get_data() == [down, evil]
    assert "1 of 2 object(s) processed, 1 failed: IOC 'down.example': ServiceError: VirusTotal answered 503" in (
        status.get_message()
    )
    assert evil.ioc_tags == f"{TAG}:malicious" and down.ioc_tags == ""


def test_iocs_past_the_time_budget_fail_by_name_and_the_call_ends(make_module, module_class, service, clock):
    module = configured(make_module, module_class, service, time_budget=20)
    iocs = [fake_iris.ioc(f"host{n}.example", "domain") for n in range(3)]
    for ioc in iocs:
        service.answer(f"/domains/{ioc.ioc_value}", vt.found("domain", ioc.ioc_value, harmless=1))

    status = module.hooks_handler("on_postload_ioc_create", None, iocs)

    assert [ioc.ioc_tags for ioc in iocs] == [f"{TAG}:harmless", f"{TAG}:harmless", ""]
    assert "2 of 3 object(s) processed, 1 failed: IOC 'host2.example': OutOfTime:" in status.get_message()
    assert "time_budget" in status.get_message() and clock.waits == [15]


def test_remote_html_is_escaped_in_the_report(module, service):
    hostile = {"Evil<script>": ("malicious", "<img src=x onerror=alert(1)>")}
    service.answer("/domains/evil.example", vt.found("domain", "evil.example", malicious=1, results=hostile))
    ioc = fake_iris.ioc("evil.example", "domain")

    enrich(module, ioc)

    assert "<script>" not in report_of(ioc) and "<img" not in report_of(ioc)
    assert "Evil&lt;script&gt; (&lt;img src=x onerror=alert(1)&gt;)" in report_of(ioc)


def test_a_composite_ioc_is_looked_up_by_its_hash(module, service):
    service.answer(f"/files/{HASH}", vt.found("file", HASH))

    enrich(module, fake_iris.ioc(f"setup.exe|{HASH}", "filename|sha256"))

    assert [path for _, path, _ in service.requests] == [f"/files/{HASH}"]


def test_a_value_cannot_change_the_request_path(module, service):
    service.answer("/domains/..%2Fadmin%3Fx%3D1%23", vt.not_found("Domain"))

    enrich(module, fake_iris.ioc("../admin?x=1#", "domain"))

    assert [path for _, path, _ in service.requests] == ["/domains/..%2Fadmin%3Fx%3D1%23"]


def test_an_ioc_type_without_a_lookup_is_skipped(module, service):
    ioc = fake_iris.ioc("someone@example.org", "email-src")

    enrich(module, ioc)

    assert service.requests == [] and ioc.ioc_tags == ""


def test_a_date_no_calendar_holds_is_an_unreadable_answer_not_a_crash(module, service):
    answer = vt.found("domain", "odd.example", harmless=1)
    answer[1]["data"]["attributes"]["last_analysis_date"] = 10**13
    service.answer("/domains/odd.example", answer)

    status = module.hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc("odd.example", "domain")])

    assert "UnreadableAnswer: VirusTotal's last_analysis_date is not a date: 10000000000000" in status.get_message()


@pytest.mark.parametrize("value", [".", "..", " "])
def test_a_value_that_would_climb_the_path_is_refused_and_the_next_is_looked_up(module, service, value):
    service.answer("/domains/good.example", vt.found("domain", "good.example", harmless=1))
    iocs = [fake_iris.ioc(value, "domain"), fake_iris.ioc("good.example", "domain")]

    status = module.hooks_handler("on_postload_ioc_create", None, iocs)

    assert f"IOC {value!r}: ValueError: {value!r} is not a value VirusTotal can be asked about" in status.get_message()
    assert [path for _, path, _ in service.requests] == ["/domains/good.example"]


@pytest.mark.parametrize("typo", [{"timeout": "3O"}, {"requests_per_minute": ""}, {"malicious_threshold": "three"}])
def test_a_mistyped_setting_sends_nothing_anywhere(make_module, module_class, service, typo):
    # Before: iris-interface read the whole configuration as its defaults, and IOCs went to
    # the public VirusTotal with no key although api_url pointed elsewhere.
    module = configured(make_module, module_class, service, **typo)

    status = module.hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc("evil.example", "domain")])

    (name,) = typo
    assert status.is_failure() and f"({name}) " in status.get_message() and "Nothing was done" in status.get_message()
    assert service.requests == []


def test_the_report_fields_say_what_vt_found_and_what_it_never_did(module_class):
    # TODO: the fields your report_fields() chooses.
    handler = importlib.import_module("{{ cookiecutter.__package_name }}.handler")
    client = importlib.import_module("{{ cookiecutter.__package_name }}.client")
    report = client.Report(
        id="203.0.113.7", stats={"malicious": 3, "suspicious": 1, "harmless": 60, "undetected": 6},
        flagged_by={"EngineA": "malware", "EngineB": "phishing"}, reputation=-12,
        last_analysis=datetime(2026, 3, 1, 9, 5, tzinfo=timezone.utc), link="https://vt.example/gui", attributes={},
    )  # fmt: skip
    never = dataclasses.replace(report, flagged_by={}, reputation=None, last_analysis=None)

    assert handler.report_fields(report, "malicious") == {
        "Verdict": "malicious",
        "Detections (malicious / engines)": "3 / 70",
        "Suspicious": 1,
        "Reputation": -12,
        "Last analysis": "2026-03-01 09:05 UTC",
        "Flagged by": "EngineA (malware), EngineB (phishing)",
    }
    assert handler.report_fields(never, "harmless") == {
        "Verdict": "harmless",
        "Detections (malicious / engines)": "3 / 70",
        "Suspicious": 1,
        "Reputation": "none",
        "Last analysis": "never",
        "Flagged by": "no engine",
    }


@pytest.fixture
def client(module_class):
    return importlib.import_module("{{ cookiecutter.__package_name }}.client")


def vt_body(**attributes):
    stats = {"malicious": 2, "suspicious": 1, "harmless": 5, "undetected": 0}
    return {"data": {"id": "203.0.113.7", "type": "ip_address", "attributes": {"last_analysis_stats": stats,
                                                                               **attributes}}}  # fmt: skip


def test_an_answer_is_read_into_its_report(client):
    results = {"B": {"category": "malicious", "result": "malware"}, "A": {"category": "suspicious", "result": None},
               "C": {"category": "harmless", "result": "clean"}, "D": "not an engine's answer"}  # fmt: skip

    report = client.read("ip_addresses", vt_body(last_analysis_results=results, last_analysis_date=1772355900,
                                                 reputation=-7))  # fmt: skip

    assert (report.id, report.flagged_by, report.reputation) == ("203.0.113.7", {"A": "suspicious", "B": "malware"}, -7)
    assert report.last_analysis == datetime(2026, 3, 1, 9, 5, tzinfo=timezone.utc)
    assert report.link == "https://www.virustotal.com/gui/ip-address/203.0.113.7"


@pytest.mark.parametrize("reputation", [True, "high", None])
def test_a_reputation_that_is_no_whole_number_is_none(client, reputation):
    assert client.read("ip_addresses", vt_body(reputation=reputation, last_analysis_results="x")).reputation is None


def test_engine_results_that_are_no_mapping_flag_nothing(client):
    assert client.read("ip_addresses", vt_body(last_analysis_results=["x"])).flagged_by == {}


def test_an_id_from_the_answer_is_quoted_whole_in_the_link(client):
    body = vt_body()
    body["data"]["id"] = "a/../b"

    assert client.read("domains", body).link == "https://www.virustotal.com/gui/domain/a%2F..%2Fb"


@pytest.mark.parametrize("data", [{"id": "x"}, "not an object", ["x"]])
def test_an_answer_without_attributes_names_what_it_lacks(client, data):
    lacks = r"^VirusTotal's answer has no data\.attributes \(dict\): is api_url"
    with pytest.raises(client.UnreadableAnswer, match=lacks):
        client.read("ip_addresses", {"data": data} if isinstance(data, dict) else {"data": {"attributes": data}})


def test_an_answer_that_is_no_object_is_unreadable(client):
    with pytest.raises(client.UnreadableAnswer, match=r"^VirusTotal's answer has no data \(dict\)"):
        client.read("ip_addresses", ["data"])


def test_a_url_id_keeps_its_last_characters(client):
    assert client.object_id("urls", "https://abc.example/W") == "aHR0cHM6Ly9hYmMuZXhhbXBsZS9X"


class Answer:
    def __init__(self, status, body):
        self.status_code, self.body, self.text = status, body, str(body)

    def json(self):
        if self.body is None:
            raise ValueError("no JSON")
        return self.body


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (["not", "an object"], "418: no VirusTotal error in the answer"),
        (None, "418: no VirusTotal error in the answer"),
        ({"error": {"code": "TeapotError"}}, "418 TeapotError: "),
    ],
)
def test_an_error_answer_is_told_as_vt_said_it(client, body, said):
    session = type("Session", (), {"headers": {}, "get": lambda self, url: Answer(418, body)})()

    with pytest.raises(client.ServiceError) as error:
        client.Client(session, "https://vt.example/api/v3", "k").lookup("ip_addresses", "203.0.113.7")

    assert str(error.value) == f"VirusTotal answered {said}"


def test_the_admins_report_template_gets_the_ioc_its_fields_and_vts_link(make_module, module_class, service, caplog):
    # Jinja's delimiters spelt otherwise here: this file is rendered by cookiecutter, and has no Jinja of its own.
    template = (
        "<< title >>|<< fields['Verdict'] >>|[% for name, address in links %]<< name >>=<< address >>[% endfor %]"
    )
    template = template.replace("<<", "{" * 2).replace(">>", "}" * 2).replace("[%", "{" + "%").replace("%]", "%" + "}")
    service.answer("/domains/evil.example", vt.found("domain", "evil.example", malicious=40, undetected=30))
    ioc = fake_iris.ioc("evil.example", "domain")

    enrich(configured(make_module, module_class, service, report_template=template), ioc)

    assert report_of(ioc) == "evil.example|malicious|VirusTotal=https://www.virustotal.com/gui/domain/evil.example"
    assert "IOC 'evil.example': malicious" in caplog.messages


def test_a_200_without_json_is_unreadable_showing_its_first_200_characters(client):
    answer = Answer(200, None)
    answer.text = "<html>" + "x" * 300
    session = type("Session", (), {"headers": {}, "get": lambda self, url: answer})()

    with pytest.raises(client.UnreadableAnswer) as error:
        client.Client(session, "https://vt.example/api/v3", "k").lookup("ip_addresses", "203.0.113.7")

    assert str(error.value) == f"VirusTotal answered 200 with no JSON: {answer.text[:200]!r}"


def test_the_api_address_may_end_with_a_slash(client):
    asked = []
    answer = Answer(200, vt_body())
    session = type("Session", (), {"headers": {}, "get": lambda self, url: asked.append(url) or answer})()

    client.Client(session, "https://vt.example/api/v3/", "k").lookup("ip_addresses", "203.0.113.7")

    assert asked == ["https://vt.example/api/v3/ip_addresses/203.0.113.7"]
