"""The HTTP session follows IRIS's proxy settings, the module's timeout, TLS and retry settings."""

from types import SimpleNamespace

import pytest
from fake_service import FakeService

from {{ cookiecutter.__package_name }} import http_session
from {{ cookiecutter.__package_name }}.http_session import new_session

SETTINGS = SimpleNamespace(timeout=7, retries=2, verify_tls=True, ca_bundle="")


def settings(**changes):
    return SimpleNamespace(**{**vars(SETTINGS), **changes})


@pytest.fixture
def service():
    with FakeService() as running:
        yield running


def test_proxies_come_from_iris_lowercase_settings_each_for_its_scheme(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://environment-proxy:3128")
    server = {"http_proxy": "http://plain-proxy:3128", "https_proxy": "http://tls-proxy:3128"}

    session = new_session(SETTINGS, server)

    assert session.proxies == {"http": "http://plain-proxy:3128", "https": "http://tls-proxy:3128"}
    assert session.trust_env is False  # the worker's environment does not override IRIS


def test_empty_proxy_settings_mean_no_proxy():
    assert new_session(SETTINGS, {"http_proxy": "", "https_proxy": ""}).proxies == {}


@pytest.mark.parametrize(
    ("verify_tls", "ca_bundle", "verify"),
    [(True, "", True), (True, "/etc/ssl/private-ca.pem", "/etc/ssl/private-ca.pem"), (False, "/ignored.pem", False)],
)
def test_tls_is_verified_unless_switched_off(verify_tls, ca_bundle, verify):
    assert new_session(settings(verify_tls=verify_tls, ca_bundle=ca_bundle), {}).verify == verify


def test_every_request_gets_the_timeout(service, monkeypatch):
    session = new_session(SETTINGS, {})
    adapter = session.get_adapter(service.url)
    sent = []
    original = adapter.send
    monkeypatch.setattr(
        adapter, "send", lambda request, **kwargs: sent.append(kwargs["timeout"]) or original(request, **kwargs)
    )

    session.get(f"{service.url}/a")
    session.get(f"{service.url}/b", timeout=1)

    assert sent == [7, 1]


def test_429_and_5xx_are_retried_then_answered(service, monkeypatch):
    monkeypatch.setattr(http_session, "BACKOFF_FACTOR", 0.01)  # the same waits, a hundred times shorter
    service.answer("/busy", (429, {}, {"Retry-After": "0"}), (503, {}, {"Retry-After": "0"}), (200, {"ok": True}))

    response = new_session(settings(retries=2), {}).get(f"{service.url}/busy")

    assert response.status_code == 200
    assert len(service.requests) == 3


def test_retries_stop_at_the_setting(service):
    service.answer("/down", (503, {}))

    response = new_session(settings(retries=1), {}).get(f"{service.url}/down")

    assert response.status_code == 503
    assert len(service.requests) == 2
