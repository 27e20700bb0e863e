"""The HTTP session follows IRIS's proxy settings, the module's timeout, TLS, retry, rate and time settings."""

import json
import logging
import multiprocessing
import socket
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
import requests
from fake_clock import WALL_CLOCK_START, FakeClock
from fake_service import FakeService, SlowService

from {{ cookiecutter.__package_name }} import http_session
from {{ cookiecutter.__package_name }}.http_session import OutOfTime, RefusedRedirect, new_session
from {{ cookiecutter.__package_name }}.settings import Settings

SETTINGS = SimpleNamespace(timeout=7, retries=2, verify_tls=True, ca_bundle="", requests_per_minute=0, time_budget=300)


def settings(**changes):
    return SimpleNamespace(**{**vars(SETTINGS), **changes})


@pytest.fixture
def service():
    with FakeService() as running:
        yield running


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return FakeClock.install(monkeypatch, http_session)


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


def test_requests_are_spaced_under_the_limit_across_the_call(service, clock, caplog):
    caplog.set_level("INFO")
    session = new_session(settings(requests_per_minute=4), {})

    for path in ("/a", "/b", "/c"):
        session.get(f"{service.url}{path}")

    assert clock.waits == [15, 15]  # the first request goes at once
    assert len(service.requests) == 3
    assert "Waiting 15 s to stay under 4 requests a minute (285 s of the time budget left)" in caplog.text


def test_no_limit_means_no_wait(service, clock):
    session = new_session(settings(requests_per_minute=0), {})

    session.get(f"{service.url}/a")
    session.get(f"{service.url}/b")

    assert clock.waits == []


def test_a_429_waits_as_its_retry_after_asks(service, clock, caplog):
    caplog.set_level("INFO")
    service.answer("/busy", (429, {}, {"Retry-After": "7"}), (200, {"ok": True}))

    response = new_session(SETTINGS, {}).get(f"{service.url}/busy")

    assert response.status_code == 200 and len(service.requests) == 2
    assert clock.waits == [7]
    assert "Waiting 7 s before retry 1 of 2: the service answered 429" in caplog.text


def test_a_retry_after_date_is_waited_until(service, clock):
    when = datetime.fromtimestamp(WALL_CLOCK_START + 42, tz=timezone.utc)
    service.answer("/busy", (429, {}, {"Retry-After": format_datetime(when, usegmt=True)}), (200, {}))

    new_session(SETTINGS, {}).get(f"{service.url}/busy")

    assert clock.waits == [42]


def test_a_429_without_retry_after_waits_a_minute(service, clock):
    service.answer("/busy", (429, {}), (200, {}))

    new_session(SETTINGS, {}).get(f"{service.url}/busy")

    assert clock.waits == [http_session.QUOTA_WAIT] == [60]


def test_5xx_is_retried_after_growing_waits(service, clock):
    service.answer("/flaky", (503, {}), (502, {}), (200, {"ok": True}))

    response = new_session(settings(retries=2), {}).get(f"{service.url}/flaky")

    assert response.status_code == 200 and len(service.requests) == 3
    assert clock.waits == [2, 4]


def test_retries_stop_at_the_setting(service, clock):
    service.answer("/down", (503, {}))

    response = new_session(settings(retries=1), {}).get(f"{service.url}/down")

    assert response.status_code == 503
    assert len(service.requests) == 2


def test_a_post_is_repeated_after_a_429_but_not_after_a_5xx(service, clock):
    answers = {"/refused": [(429, {}), (200, {"done": 1})], "/broken": [(500, {}), (200, {"done": 2})]}
    for path, script in answers.items():
        service.answer_posts(path, lambda body, script=script: script.pop(0))
    session = new_session(SETTINGS, {})

    assert session.post(f"{service.url}/refused", json={}).json() == {"done": 1}
    assert session.post(f"{service.url}/broken", json={}).status_code == 500  # it may have done the work


def test_a_post_the_caller_says_is_safe_to_repeat_is_retried_after_a_5xx_as_its_retry_after_asks(service, clock):
    # A search sent as a POST (MISP's restSearch, say) changes nothing: repeating it is as safe as a GET.
    script = [(503, {}, {"Retry-After": "3"}), (200, {"hits": 1})]
    service.answer_posts("/search", lambda body: script.pop(0))
    session = new_session(SETTINGS, {})

    response = session.post(f"{service.url}/search", json={"value": "evil.example"}, safe_to_repeat=True)

    assert response.json() == {"hits": 1} and clock.waits == [3]
    assert [request.json() for request in service.requests] == [{"value": "evil.example"}] * 2


def test_the_fake_service_answers_a_scripted_post_with_its_headers_and_records_what_was_sent(service, clock):
    service.answer("/events", (201, {"id": 7}, {"Location": "/events/7"}))

    response = new_session(SETTINGS, {}).post(f"{service.url}/events", data=b"raw \x00 bytes")

    assert (response.status_code, response.headers["Location"], response.json()) == (201, "/events/7", {"id": 7})
    [(method, path, headers)] = service.requests
    assert (method, path, service.requests[0].body) == ("POST", "/events", b"raw \x00 bytes")


def test_a_wait_past_the_time_budget_fails_at_once_and_says_why(service, clock):
    service.answer("/busy", (429, {}, {"Retry-After": "600"}), (200, {}))

    with pytest.raises(OutOfTime, match=r"would wait 600 s .* 300 s left of its time budget \(300 s, the time_budget"):
        new_session(SETTINGS, {}).get(f"{service.url}/busy")

    assert clock.waits == [] and len(service.requests) == 1


def test_the_rate_limit_stops_when_the_time_budget_is_spent(service, clock):
    session = new_session(settings(requests_per_minute=4, time_budget=20), {})
    session.get(f"{service.url}/a")
    session.get(f"{service.url}/b")

    left = r"would wait 15 s to stay under 4 requests a minute \(the next free slot, shared by every IRIS worker, is at 22:13:50 UTC\), and this call has 5 s left"
    with pytest.raises(OutOfTime, match=left):
        session.get(f"{service.url}/c")

    assert clock.waits == [15] and len(service.requests) == 2


@pytest.mark.parametrize(("name", "value"), [("time_budget", None), ("time_budget", 0), ("requests_per_minute", -1)])
def test_a_missing_or_impossible_setting_is_named(name, value):
    with pytest.raises(ValueError, match=f"The {name} setting is {value!r}: set it to a number"):
        new_session(settings(**{name: value}), {})


@pytest.fixture
def real_clock(monkeypatch):
    """The real clock, for the tests of what a slow server does within the budget."""
    for name in ("monotonic", "sleep", "time"):
        monkeypatch.setattr(http_session, name, getattr(time, name))


@pytest.mark.parametrize("pace", [0.05, None], ids=["a byte at a time", "silent"])
def test_the_time_budget_bounds_an_answer_however_slowly_it_comes(real_clock, pace):
    budget = 2
    with SlowService(pace=pace) as slow:
        session = new_session(settings(time_budget=budget, timeout=6, retries=3), {})
        started = time.monotonic()

        with pytest.raises(OutOfTime, match="was still coming: this call has spent its time budget"):
            session.get(f"{slow.url}/files/abc")
        spent = time.monotonic() - started
        with pytest.raises(OutOfTime, match="GET http://127.0.0.1:[0-9]+ was not sent"):
            session.get(f"{slow.url}/files/def")

    assert slow.bytes_sent < slow.size and slow.connections <= 1 + 3  # stopped, not waited out
    # Without the deadline: 20 s for the slow answer (then a success), 24 s for the silent server.
    assert spent < budget + 5, f"{spent:.1f} s against a budget of {budget} s"


def test_a_redirect_to_another_host_never_carries_the_key(service):
    with FakeService() as elsewhere:
        service.answer("/files/abc", (302, {}, {"Location": f"{elsewhere.url}/files/abc"}))
        session = new_session(SETTINGS, {})
        session.headers["x-apikey"] = "k-0123456789"

        with pytest.raises(RefusedRedirect, match=r"redirected to http://127.0.0.1:[0-9]+: not followed.*\(x-apikey\)"):
            session.get(f"{service.url}/files/abc")

    assert elsewhere.requests == []


def test_a_redirect_on_the_same_host_is_followed_with_the_key(service):
    service.answer("/old", (301, {}, {"Location": "/new"}))
    service.answer("/new", (200, {"ok": True}))
    session = new_session(SETTINGS, {})
    session.headers["x-apikey"] = "k-0123456789"

    assert session.get(f"{service.url}/old").json() == {"ok": True}
    assert service.requests[-1][2]["x-apikey"] == "k-0123456789"


def test_a_redirect_elsewhere_without_credentials_is_followed(service):
    with FakeService() as elsewhere:
        service.answer("/moved", (302, {}, {"Location": f"{elsewhere.url}/here"}))
        elsewhere.answer("/here", (200, {"ok": True}))

        assert new_session(SETTINGS, {}).get(f"{service.url}/moved").json() == {"ok": True}


def test_a_header_holding_a_secret_by_value_is_a_credential(service):
    entries = [*http_settings(), {"param_name": "site_token", "param_human_name": "Site token", "param_description": "",
                                  "default": None, "mandatory": True, "type": "sensitive_string"}]  # fmt: skip
    session = new_session(Settings(entries, [{"param_name": "site_token", "value": "t-0123456789"}]), {})
    session.headers["X-Site"] = "t-0123456789"
    with FakeService() as elsewhere:
        service.answer("/moved", (302, {}, {"Location": f"{elsewhere.url}/here"}))

        with pytest.raises(RefusedRedirect, match=r"\(X-Site\)"):
            session.get(f"{service.url}/moved")


def test_a_key_with_a_line_break_is_refused_before_sending_naming_its_setting(service):
    entries = [*http_settings(), {"param_name": "api_key", "param_human_name": "API key", "param_description": "",
                                  "default": None, "mandatory": True, "type": "sensitive_string"}]  # fmt: skip
    session = new_session(Settings(entries, [{"param_name": "api_key", "value": "k-0123456789\n"}]), {})
    session.headers["x-apikey"] = "k-0123456789\n"

    with pytest.raises(ValueError, match="the api_key setting holds a control character") as refused:
        session.get(f"{service.url}/files/abc")

    assert "k-0123456789" not in str(refused.value)
    assert service.requests == []


def test_a_retry_after_that_is_not_ascii_digits_is_no_retry_after(service, clock):
    service.answer("/busy", (429, {}, {"Retry-After": "\u00b2"}), (200, {}))

    new_session(SETTINGS, {}).get(f"{service.url}/busy")

    assert clock.waits == [http_session.QUOTA_WAIT]


def http_settings():
    """Configuration entries for the settings the session reads, with SETTINGS' values as defaults."""
    types = {"verify_tls": "bool", "ca_bundle": "string"}
    return [
        {"param_name": name, "param_human_name": name, "param_description": "", "default": value, "mandatory": False,
         "type": types.get(name, "int")}
        for name, value in vars(SETTINGS).items()
    ]  # fmt: skip


def send_in_a_process(url, per_minute, sent, count):
    """A worker process of IRIS: its own session, ``count`` requests, when each went into ``sent``."""
    session = new_session(settings(requests_per_minute=per_minute, time_budget=60), {})
    for number in range(count):
        session.get(f"{url}/{number}")
        sent.put(time.time())


def test_the_rate_limit_holds_across_worker_processes(service, real_clock):
    per_minute, processes, each = 120, 3, 2  # a request every 0.5 s, 6 in all
    context = multiprocessing.get_context("spawn")  # as separate as IRIS's worker processes
    sent = context.Queue()
    workers = [context.Process(target=send_in_a_process, args=(service.url, per_minute, sent, each))
               for _ in range(processes)]  # fmt: skip
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert sorted(sent.get(timeout=5) for _ in range(processes * each))
    times = sorted(service.arrivals)
    gaps = [times[number + 1] - times[number] for number in range(len(times) - 1)]
    assert len(times) == processes * each
    # 0.5 s apart, less what a loaded machine delays one request more than the next; in one process
    # each, the three processes' requests would come together.
    assert min(gaps) > 60 / per_minute / 2, gaps


def test_a_429_that_outlasts_the_retries_stops_the_rest_of_the_call(service, clock):
    service.answer("/a", (429, {}, {"Retry-After": "1"}))
    session = new_session(settings(retries=2), {})

    assert session.get(f"{service.url}/a").status_code == 429
    spent = r"429 again after 2 retries, so its quota looks spent \(a daily quota\?\); this call sends nothing more\. Try again later$"
    with pytest.raises(http_session.QuotaSpent, match=spent):
        session.get(f"{service.url}/b")

    assert [path for _, path, _ in service.requests] == ["/a"] * 3 and clock.waits == [1, 1]


def test_urllib3_retry_warnings_never_show_a_urls_query_values_or_userinfo(caplog):
    caplog.set_level(logging.WARNING)
    with socket.socket() as probe:  # a port nothing listens on: the connection fails, and urllib3 retries it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = new_session(settings(retries=1), {})

    with pytest.raises(requests.ConnectionError):
        session.get(f"http://127.0.0.1:{port}/hook?token=t0ken-abcdef123&channel=soc")
    logging.getLogger("urllib3.connectionpool").warning("Retrying: https://analyst:pa55-w0rd@proxy.example/a?k=v")

    warned = [record.getMessage() for record in caplog.records if record.name.startswith("urllib3")]
    assert any("/hook?token=********&channel=********" in line for line in warned), warned
    assert "https://********@proxy.example/a?k=********" in warned[-1]
    assert "t0ken-abcdef123" not in caplog.text and "pa55-w0rd" not in caplog.text


def test_connections_are_retried_at_once_as_often_as_the_retries_setting_says():
    session = new_session(settings(retries=4), {})

    for prefix in ("http://", "https://"):
        retry = session.get_adapter(f"{prefix}vt.example").max_retries
        assert retry.total == 4  # bounded by the setting: never None, which would retry for ever
        assert retry.backoff_factor == 0  # waits are Pace's, inside the time budget
        assert not retry.status_forcelist and not retry.respect_retry_after_header  # answers are Pace's too


@pytest.mark.parametrize(
    ("timeout", "left", "bounded"),
    [(None, 10, 10), (30, 10, 10), (5, 10, 5), ((3, None), 10, (3, 10)), ((30, 60), 10, (10, 10))],
)
def test_no_timeout_is_longer_than_what_is_left_of_the_budget(timeout, left, bounded):
    assert http_session._within(timeout, left) == bounded


def test_a_place_is_named_by_scheme_host_and_port_without_credentials():
    assert http_session._origin("https://user:pw@vt.example:8443/api/x?key=1") == "https://vt.example:8443"


def pace(**changes):
    return http_session.Pace(settings(**changes), http_session.logging.getLogger("test"))


def test_a_request_may_go_while_any_of_the_budget_is_left(clock):
    budget = pace(time_budget=10)
    clock.elapsed = 9.5

    assert budget.left("GET https://vt.example") == 0.5
    clock.elapsed = 10
    with pytest.raises(OutOfTime, match="^GET https://vt.example was not sent: this call has spent its time budget"):
        budget.left("GET https://vt.example")


def test_a_wait_of_exactly_what_is_left_is_waited(clock):
    pace(time_budget=10).wait(10, "to test")

    assert clock.waits == [10]


def test_a_short_wait_is_waited_and_none_is_not(clock):
    waits = pace()
    waits.wait(0.5, "to test")
    waits.wait(0, "to test")
    waits.wait(-1, "to test")

    assert clock.waits == [0.5]


def test_a_wait_past_the_budget_says_what_is_left(clock):
    waits = pace(time_budget=10)
    clock.elapsed = 9.6

    with pytest.raises(OutOfTime, match=r"would wait 5 s to test, and this call has 0\.4 s left of its time budget"):
        waits.wait(5, "to test")


def answer(status, **headers):
    return SimpleNamespace(status_code=status, headers=headers)


def test_a_5xx_waits_what_its_retry_after_asks_else_growing_waits():
    assert http_session.retry_wait("GET", answer(503, **{"Retry-After": "9"}), retried=2) == 9
    assert http_session.retry_wait("GET", answer(503), retried=2) == 8


def test_a_retry_after_date_already_past_asks_no_wait(clock):
    past = datetime.fromtimestamp(WALL_CLOCK_START - 30, tz=timezone.utc)

    assert http_session.retry_after(answer(429, **{"Retry-After": format_datetime(past, usegmt=True)})) == 0.0


def test_waits_are_shown_to_a_tenth_of_a_second():
    assert [http_session._shown(seconds) for seconds in (0.44, 12.0, 59.96)] == ["0.4", "12", "60"]


def test_a_line_break_not_from_a_setting_is_named_as_the_headers_own():
    for held_by_none in (SETTINGS, Settings([], [])):
        with pytest.raises(ValueError, match="^The X-Trace header cannot be sent: its value holds a control character"):
            http_session.refuse_control_characters({"X-Trace": "a\nb"}, held_by_none)


@pytest.fixture
def local_time_not_utc(monkeypatch):
    """A worker whose local time is UTC+5:45."""
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_next_free_slot_is_told_in_utc_with_what_is_left_of_the_budget(clock, local_time_not_utc):
    slots = pace(requests_per_minute=1, time_budget=10)
    clock.elapsed = 9.5
    slots.take_slot()

    left = r"\(the next free slot, shared by every IRIS worker, is at 22:14:29 UTC\), and this call has 0\.5 s left"
    with pytest.raises(OutOfTime, match=left):
        slots.take_slot()


def test_requests_name_the_module_unless_told_otherwise(service):
    new_session(SETTINGS, {}).get(f"{service.url}/a")
    new_session(SETTINGS, {}, user_agent="iris-vt-module/1.0").get(f"{service.url}/a")

    assert [headers["User-Agent"] for _, _, headers in service.requests] == ["iris-module", "iris-vt-module/1.0"]


def test_waits_are_logged_by_the_helper_when_no_log_is_given(service, clock, caplog):
    caplog.set_level("INFO")
    session = new_session(settings(requests_per_minute=30), {})

    session.get(f"{service.url}/a")
    session.get(f"{service.url}/b")

    assert [record.name for record in caplog.records if record.message.startswith("Waiting")] == [http_session.__name__]


def test_a_line_break_in_a_header_of_one_request_is_refused_before_sending(service):
    with pytest.raises(ValueError, match="^The X-Trace header cannot be sent: its value holds a control character"):
        new_session(SETTINGS, {}).get(f"{service.url}/a", headers={"X-Trace": "a\r\nX-Injected: 1"})

    assert service.requests == []


def test_what_a_request_gives_reaches_the_service(service):
    new_session(SETTINGS, {}).get(f"{service.url}/a", params={"q": "evil.example"})

    assert service.requests[-1][1] == "/a?q=evil.example"


def test_a_streamed_answer_is_left_for_the_caller_to_read(service):
    service.answer("/a", (200, {"ok": True}))

    response = new_session(SETTINGS, {}).get(f"{service.url}/a", stream=True)

    assert json.loads(response.raw.read()) == {"ok": True}


def test_requests_go_through_the_proxy_iris_names(service):
    service.answer("http://vt.example/x", (200, {"ok": True}))
    session = new_session(SETTINGS, {"http_proxy": service.url})

    assert session.get("http://vt.example/x").json() == {"ok": True}
    assert session.get("http://vt.example/x").json() == {"ok": True}  # through the proxy's pool kept from the first
    assert [path for _, path, _ in service.requests] == ["http://vt.example/x"] * 2


def test_each_set_of_credentials_has_its_own_request_slots():
    entries = [*http_settings(), {"param_name": "api_key", "param_human_name": "API key", "param_description": "",
                                  "default": None, "mandatory": True, "type": "sensitive_string"}]  # fmt: skip

    def key(secret):
        reading = Settings(entries, [{"param_name": "api_key", "value": secret}])
        assert http_session.Pace(reading, None).slot_key == http_session.slot_key(reading)
        return http_session.slot_key(reading)

    assert key("k-1") == key("k-1") != key("k-2")
    assert "k-1" not in key("k-1")


def test_the_least_budget_and_retries_the_settings_allow_are_taken():
    waits = pace(time_budget=1, retries=0)

    assert (waits.budget, waits.retries) == (1, 0)


def test_a_refused_redirect_names_every_credential_header_and_what_to_do(service):
    with FakeService() as elsewhere:
        service.answer("/files/abc", (302, {}, {"Location": f"{elsewhere.url}/files/abc"}))
        session = new_session(SETTINGS, {})
        session.headers.update({"x-apikey": "k-0123456789", "Authorization": "Bearer t"})

        with pytest.raises(RefusedRedirect) as refused:
            session.get(f"{service.url}/files/abc")

    assert str(refused.value) == (
        f"{service.url} redirected to {elsewhere.url}: not followed, as it would carry the module's credentials"
        " (x-apikey, Authorization) to another host. If the service has moved, set its new address in the"
        " module's settings."
    )


def test_a_line_break_held_by_two_settings_names_both_and_what_to_do():
    entries = [*http_settings()] + [
        {"param_name": name, "param_human_name": name, "param_description": "", "default": None, "mandatory": True,
         "type": "sensitive_string"}
        for name in ("api_key", "api_token")
    ]  # fmt: skip
    stored = [{"param_name": name, "value": "k-0123\n"} for name in ("api_key", "api_token")]

    with pytest.raises(ValueError) as refused:
        http_session.refuse_control_characters({"x-apikey": "k-0123\n"}, Settings(entries, stored))

    assert str(refused.value) == (
        "The x-apikey header cannot be sent: the api_key or api_token setting holds a control character (a line"
        " break or a tab?). Type it again without one in IRIS."
    )
