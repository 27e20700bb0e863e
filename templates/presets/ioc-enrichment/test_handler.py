"""The enrichment end to end: the module class, the handler and the client against a fake web service."""

import fake_iris
import pytest
from fake_clock import FakeClock
from fake_service import FakeService

from {{ cookiecutter.__package_name }} import http_session

API_KEY = "k-0123456789abcdef"
TAG = "{{ cookiecutter.keyword }}"


@pytest.fixture
def service():
    with FakeService() as running:
        yield running


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return FakeClock.install(monkeypatch, http_session)


@pytest.fixture
def module(make_module, service):
    return make_module(api_url=service.url, api_key=API_KEY, retries=1)


def enrich(module, *iocs, hook="on_postload_ioc_create"):
    status = module.hooks_handler(hook, None, list(iocs))
    assert status.is_success(), status.get_message()
    return status


def test_a_known_ioc_gets_a_report_tab_and_a_tag(module, service):
    service.answer("/domains/evil.example", (200, {"verdict": "Malicious", "first_seen": "2024-01-01"}))
    ioc = fake_iris.ioc("evil.example", "domain")

    enrich(module, ioc)

    report = ioc.custom_attributes["Report"]["Report"]["value"]
    assert "2024-01-01" in report
    # TODO: assert the fields and tags your report_fields() and tags() choose.
    assert ioc.ioc_tags == f"{TAG}:malicious"
    assert service.requests[0][2]["x-apikey"] == API_KEY


def test_remote_html_is_escaped_in_the_report(module, service):
    service.answer("/domains/evil.example", (200, {"verdict": "x", "note": "<script>steal()</script>"}))
    ioc = fake_iris.ioc("evil.example", "domain")

    enrich(module, ioc)

    report = ioc.custom_attributes["Report"]["Report"]["value"]
    assert "<script>" not in report and "&lt;script&gt;steal()&lt;/script&gt;" in report


def test_enriching_twice_leaves_one_tag_and_one_report(module, service):
    service.answer("/ip_addresses/203.0.113.7", (200, {"verdict": "suspicious"}))
    ioc = fake_iris.ioc("203.0.113.7", "ip-dst", tags="triage")

    enrich(module, ioc)
    enrich(module, ioc, hook="on_manual_trigger_ioc")

    assert ioc.ioc_tags == f"triage,{TAG}:suspicious"
    assert list(ioc.custom_attributes) == ["Report"]


def test_a_composite_ioc_is_looked_up_by_its_hash(module, service):
    digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    service.answer(f"/files/{digest}", (200, {"verdict": "clean"}))

    enrich(module, fake_iris.ioc(f"setup.exe|{digest}", "filename|sha256"))

    assert [path for _, path, _ in service.requests] == [f"/files/{digest}"]


def test_a_value_cannot_change_the_request_path(module, service):
    enrich(module, fake_iris.ioc("../admin?x=1#", "domain"))

    assert [path for _, path, _ in service.requests] == ["/domains/..%2Fadmin%3Fx%3D1%23"]


def test_an_ioc_type_without_a_lookup_is_skipped(module, service):
    ioc = fake_iris.ioc("someone@example.org", "email-src")

    enrich(module, ioc)

    assert service.requests == [] and ioc.ioc_tags == ""


def test_an_ioc_the_service_does_not_know_is_tagged_unknown(module, service):
    ioc = fake_iris.ioc("new.example", "domain")

    enrich(module, ioc)

    assert ioc.ioc_tags == f"{TAG}:unknown" and not ioc.custom_attributes


def test_a_rate_limited_answer_is_retried(module, service):
    service.answer("/domains/busy.example", (429, {}, {"Retry-After": "0"}), (200, {"verdict": "clean"}))

    enrich(module, fake_iris.ioc("busy.example", "domain"))

    assert len(service.requests) == 2


def test_a_failing_service_gives_an_error_status_without_the_key(module, service):
    service.answer("/domains/down.example", (500, {"error": "down"}))
    iocs = [fake_iris.ioc("down.example", "domain")]

    status = module.hooks_handler("on_postload_ioc_create", None, iocs)

    assert status.is_failure() and status.get_data() is iocs
    assert API_KEY not in status.get_message() + "".join(status.get_logs())
