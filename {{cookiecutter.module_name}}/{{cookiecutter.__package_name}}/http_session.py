"""One HTTP session per hook call, set up the way IRIS's admins expect.

- Proxies come from IRIS's server settings (``http_proxy``, ``https_proxy``, lowercase),
  each for its own scheme, and not from the worker's environment.
- Every request gets the module's timeout unless it gives its own.
- TLS is verified unless the admin switches it off; a CA bundle path trusts a private CA.
- Requests are spaced to stay under ``requests_per_minute``, across all the objects of the
  call: the session is the call's.
- A 429 is retried after the wait its Retry-After asks (a minute without one); a 5xx, for
  methods that may be repeated, after growing waits or its Retry-After; a failed
  connection at once.
- Every wait is logged and stays within ``time_budget``, counted from the session's
  creation. {{ iris().name }} sets its worker no time limit, so a call could hold a worker for
  hours: a request that would have to wait past the budget raises OutOfTime instead, and
  the object it was for fails, saying why.
"""

import functools
import logging
from email.utils import parsedate_to_datetime
from time import monotonic, sleep, time

SERVER_ERRORS = (500, 502, 503, 504)
REPEATABLE_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE")  # idempotent (RFC 9110, 9.2.2)
BACKOFF_SECONDS = 2  # a 5xx without Retry-After is retried after 2, 4, 8... seconds
QUOTA_WAIT = 60  # a 429 without Retry-After: a per-minute quota is full again a minute later


class OutOfTime(Exception):
    """The next request would have to wait past the call's time budget."""


def new_session(settings, server_settings, user_agent="iris-module", log=None):
    """A ``requests.Session`` for ``settings`` (timeout, retries, verify_tls, ca_bundle,
    requests_per_minute, time_budget); its waits are logged to ``log``."""
    # Imported here, not at the top: IRIS instantiates the module for every call, and only
    # hook calls that reach the network should pay for requests' import.
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    pace = Pace(settings, log or logging.getLogger(__name__))

    class Session(requests.Session):
        def request(self, method, url, **kwargs):
            kwargs.setdefault("timeout", settings.timeout)
            return pace.send(method, functools.partial(super().request, method, url, **kwargs))

    session = Session()
    session.trust_env = False  # IRIS's proxy settings rule, not the worker's environment
    session.headers["User-Agent"] = user_agent
    session.proxies = {
        scheme: server_settings[f"{scheme}_proxy"]
        for scheme in ("http", "https")
        if server_settings.get(f"{scheme}_proxy")
    }
    session.verify = (settings.ca_bundle or True) if settings.verify_tls else False
    # urllib3 retries failed connections only; answers are retried by Pace, which keeps the budget.
    retry = Retry(total=settings.retries, backoff_factor=0, status_forcelist=(), respect_retry_after_header=False)
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=retry))
    return session


class Pace:
    """The waits of one call: requests spaced under the limit, answers retried as asked, all within the budget."""

    def __init__(self, settings, log):
        self.per_minute = _setting(settings, "requests_per_minute", least=0)
        self.budget = _setting(settings, "time_budget", least=1)
        self.retries = _setting(settings, "retries", least=0)
        self.log = log
        self.interval = 60 / self.per_minute if self.per_minute else 0
        self.deadline = monotonic() + self.budget
        self.next_request = monotonic()

    def send(self, method, attempt):
        """``attempt()``'s response, sent when the limit allows and repeated while the service asks."""
        retried = 0
        while True:
            self.wait(self.next_request - monotonic(), f"to stay under {self.per_minute} requests a minute")
            self.next_request = monotonic() + self.interval
            response = attempt()
            seconds = retry_wait(method, response, retried)
            if seconds is None or retried == self.retries:
                return response
            retried += 1
            self.wait(seconds, f"before retry {retried} of {self.retries}: the service answered {response.status_code}")

    def wait(self, seconds, why):
        if seconds <= 0:
            return
        left = self.deadline - monotonic()
        if seconds > left:
            raise OutOfTime(
                f"the next request would wait {_shown(seconds)} s {why}, and this call has {_shown(max(left, 0))} s"
                f" left of its time budget ({self.budget} s, the time_budget setting)"
            )
        self.log.info(f"Waiting {_shown(seconds)} s {why} ({_shown(left - seconds)} s of the time budget left)")
        sleep(seconds)


def retry_wait(method, response, retried):
    """Seconds to wait before repeating a request answered ``response``; None when it is not repeated."""
    asked = retry_after(response)
    if response.status_code == 429:  # refused before any work was done: any method may be repeated
        return QUOTA_WAIT if asked is None else asked
    if response.status_code in SERVER_ERRORS and method.upper() in REPEATABLE_METHODS:
        return BACKOFF_SECONDS * 2**retried if asked is None else asked
    return None


def retry_after(response):
    """The wait a Retry-After header asks, in seconds (it holds seconds or an HTTP date); None without one."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):  # no header, or one that is neither form
        return None
    return max(0.0, when.timestamp() - time())


def _setting(settings, name, least):
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < least:
        raise ValueError(f"The {name} setting is {value!r}: set it to a number, {least} or more, in IRIS")
    return value


def _shown(seconds):
    return f"{round(seconds, 1):g}"
