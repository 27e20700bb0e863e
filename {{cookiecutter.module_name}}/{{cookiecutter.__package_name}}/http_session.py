"""One HTTP session per hook call, set up the way IRIS's admins expect.

- Proxies come from IRIS's server settings (``http_proxy``, ``https_proxy``, lowercase),
  each for its own scheme, and not from the worker's environment.
- Every request gets the module's timeout unless it gives its own.
- TLS is verified unless the admin switches it off; a CA bundle path trusts a private CA.
- Requests are spaced to stay under ``requests_per_minute`` across every call of every IRIS
  worker process and container, for one module and key (request_slots.py). A 429 that
  outlasts the retries (a daily quota) stops the call's later requests, saying so.
- A 429 is retried after the wait its Retry-After asks (a minute without one); a 5xx, for
  methods that may be repeated, after growing waits or its Retry-After; a failed
  connection at once. A POST is not repeated after a 5xx (the service may have done the
  work) unless the caller says it is safe: ``session.post(url, json=query,
  safe_to_repeat=True)`` for a search or a lookup sent as a POST.
- ``time_budget`` bounds the whole call, counted from the session's creation: every wait,
  and every answer, however slowly it comes (a socket timeout bounds one read, not an
  answer sent a byte at a time). {{ iris().name }} sets its worker no time limit, so a call could
  hold a worker for hours: a request that would wait or run past the budget raises OutOfTime
  instead, and the object it was for fails, saying why. A body read with ``stream=True`` is
  the caller's to bound.
- Credentials stay with their host: a redirect to another host or scheme is refused while
  the request carries a credential header (``Authorization``, ``x-apikey``, a token...).
- A header holding a line break (a key pasted with one) is refused before anything is sent,
  naming the setting it came from.
- urllib3's records (a retry's warning names the request's path and query) lose every URL's
  query values and userinfo: a token in a URL never reaches IRIS's logs that way.
"""

import functools
import hashlib
import logging
import re
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic, sleep, time
from urllib.parse import urlsplit

from . import settings as reading
from .masking import redacting_library_urls
from .request_slots import Slots
from .settings import Settings

SERVER_ERRORS = (500, 502, 503, 504)
REPEATABLE_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE")  # idempotent (RFC 9110, 9.2.2)
BACKOFF_SECONDS = 2  # a 5xx without Retry-After is retried after 2, 4, 8... seconds
QUOTA_WAIT = 60  # a 429 without Retry-After: a per-minute quota is full again a minute later
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Headers that carry credentials by name; a header holding a sensitive setting's value is one too.
CREDENTIAL_HEADER = re.compile(r"authorization|cookie|api-?key|token|secret|password|session", re.IGNORECASE)


class OutOfTime(Exception):
    """The next request would have to wait, or its answer would come, past the call's time budget."""


class QuotaSpent(Exception):
    """The service kept refusing with 429 past the retries: the call sends nothing more."""


class RefusedRedirect(Exception):
    """A redirect that would carry the module's credentials to another host."""


def new_session(settings, server_settings, user_agent="iris-module", log=None):
    """A ``requests.Session`` for ``settings`` (timeout, retries, verify_tls, ca_bundle,
    requests_per_minute, time_budget); its waits are logged to ``log``."""
    # Imported here, not at the top: IRIS instantiates the module for every call, and only
    # hook calls that reach the network should pay for requests' import.
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    redacting_library_urls()
    pace = Pace(settings, log or logging.getLogger(__name__))
    deadline = Deadline(pace.deadline)
    secrets = _secrets(settings)

    class Session(requests.Session):
        def request(self, method, url, safe_to_repeat=False, **kwargs):
            """requests' request; ``safe_to_repeat``: the request changes nothing, so a 5xx may be retried
            whatever its method (a search sent as a POST)."""
            refuse_control_characters({**self.headers, **(kwargs.get("headers") or {})}, settings)
            kwargs["timeout"] = kwargs.get("timeout", settings.timeout)
            repeatable = safe_to_repeat or method.upper() in REPEATABLE_METHODS
            return pace.send(repeatable, functools.partial(self.within_budget, method, url, **kwargs))

        def within_budget(self, method, url, timeout, stream=False, **kwargs):
            left = pace.left(f"{method} {_origin(url)}")
            try:
                with deadline.armed():
                    response = super().request(method, url, timeout=_within(timeout, left), stream=True, **kwargs)
                    if not stream:
                        response.content  # noqa: B018 -- read the whole answer while the deadline is armed
            except requests.RequestException:
                if not deadline.expired:
                    raise
            if deadline.expired:  # a shut socket can also look like the end of an answer
                raise OutOfTime(pace.spent(f"the answer to {method} {_origin(url)} was still coming"))
            return response

        def rebuild_auth(self, prepared_request, response):
            """Called by requests before following a redirect: refuse one that takes credentials elsewhere."""
            if self.should_strip_auth(response.request.url, prepared_request.url):
                carried = credential_headers(prepared_request.headers, secrets)
                if carried:
                    raise RefusedRedirect(
                        f"{_origin(response.request.url)} redirected to {_origin(prepared_request.url)}: not followed,"
                        f" as it would carry the module's credentials ({', '.join(carried)}) to another host. If the"
                        " service has moved, set its new address in the module's settings."
                    )
            super().rebuild_auth(prepared_request, response)

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
        session.mount(prefix, watched_adapter(HTTPAdapter, deadline)(max_retries=retry))
    return session


class Deadline:
    """Shuts the session's connections down when the call's time budget runs out.

    A socket timeout bounds each read, not a whole answer: a server sending a byte a second
    never trips it. Shutting the socket down ends the read that is waiting, wherever it is.
    """

    def __init__(self, at):
        self.at = at  # monotonic time
        self.expired = False
        self.sockets = weakref.WeakSet()
        self.lock = threading.Lock()

    def watch(self, sock):
        with self.lock:
            self.sockets.add(sock)
            if self.expired:
                _shut(sock)

    def expire(self):
        with self.lock:
            self.expired = True
            for sock in list(self.sockets):
                _shut(sock)

    @contextmanager
    def armed(self):
        timer = threading.Timer(max(self.at - monotonic(), 0), self.expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def watched_adapter(adapter_class, deadline):
    """``adapter_class`` whose connections, direct or through a proxy, are watched by ``deadline``."""

    def watched(manager):
        manager.pool_classes_by_scheme = {
            scheme: type(pool.__name__, (pool,), {"ConnectionCls": watched_connection(pool.ConnectionCls, deadline)})
            for scheme, pool in manager.pool_classes_by_scheme.items()
        }
        return manager

    class Adapter(adapter_class):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            watched(self.poolmanager)

        def proxy_manager_for(self, proxy, **kwargs):
            if proxy in self.proxy_manager:
                return self.proxy_manager[proxy]
            return watched(super().proxy_manager_for(proxy, **kwargs))

    return Adapter


def watched_connection(connection_class, deadline):
    class Connection(connection_class):
        def connect(self):
            super().connect()
            deadline.watch(self.sock)

    return Connection


def _shut(sock):
    try:
        sock.shutdown(2)  # socket.SHUT_RDWR: the read waiting on it returns at once
    except OSError:  # already closed
        pass


def _within(timeout, left):
    """The request's (connect, read) timeouts, none longer than what is left of the budget."""
    if isinstance(timeout, tuple):
        return tuple(left if part is None else min(part, left) for part in timeout)
    return left if timeout is None else min(timeout, left)


def refuse_control_characters(headers, settings):
    """ValueError naming the setting when a header holds a line break: it cannot be sent, and
    requests would show the value in its error."""
    for name, value in headers.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            held_by = reading.names_holding(settings, value) if isinstance(settings, Settings) else []
            source = f"the {' or '.join(held_by)} setting" if held_by else "its value"
            raise ValueError(
                f"The {name} header cannot be sent: {source} holds a control character (a line break or a tab?)."
                " Type it again without one in IRIS."
            )


def credential_headers(headers, secrets):
    """The names of the headers that carry credentials: by their name, or by holding a secret."""
    return [
        name
        for name, value in headers.items()
        if CREDENTIAL_HEADER.search(name) or any(secret in str(value) for secret in secrets)
    ]


def _origin(url):
    """scheme://host[:port] of ``url``: enough to say where, nothing of its path or query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


class Pace:
    """The waits of one call: requests spaced under the limit, answers retried as asked, all within the budget."""

    def __init__(self, settings, log):
        self.per_minute = _setting(settings, "requests_per_minute", least=0)
        self.budget = _setting(settings, "time_budget", least=1)
        self.retries = _setting(settings, "retries", least=0)
        self.log = log
        self.interval = 60 / self.per_minute if self.per_minute else 0
        self.deadline = monotonic() + self.budget
        self.slots = Slots() if self.interval else None
        self.slot_key = slot_key(settings)
        self.spent_quota = None  # why the service's quota looks spent, once a 429 outlasted the retries

    def left(self, doing):
        """Seconds left of the budget; OutOfTime, saying what it was for, when none is."""
        left = self.deadline - monotonic()
        if left <= 0:
            raise OutOfTime(self.spent(f"{doing} was not sent"))
        return left

    def spent(self, what):
        return f"{what}: this call has spent its time budget ({self.budget} s, the time_budget setting)"

    def send(self, repeatable, attempt):
        """``attempt()``'s response, sent when the limit allows and repeated while the service asks
        (after a 5xx only when ``repeatable``)."""
        retried = 0
        while True:
            if self.spent_quota:
                raise QuotaSpent(self.spent_quota)
            self.take_slot()
            response = attempt()
            seconds = retry_wait(repeatable, response, retried)
            if seconds is None:
                return response
            if retried == self.retries:
                if response.status_code == 429:  # a daily quota, say: later retries would only wait
                    self.spent_quota = (
                        f"not sent: the service answered 429 again after {retried} retries, so its quota looks"
                        " spent (a daily quota?); this call sends nothing more. Try again later"
                    )
                return response
            retried += 1
            self.wait(seconds, f"before retry {retried} of {self.retries}: the service answered {response.status_code}")

    def take_slot(self):
        """Wait for the next request slot under requests_per_minute, shared by every IRIS worker;
        OutOfTime, saying when the slot is, if it comes after the budget."""
        if not self.interval:
            return
        why = f"to stay under {self.per_minute} requests a minute"
        now, left = time(), max(self.deadline - monotonic(), 0)
        free, when = self.slots.take(self.slot_key, self.interval, now=now, latest=now + left)
        if not free:
            at = datetime.fromtimestamp(when, tz=timezone.utc).strftime("%H:%M:%S UTC")
            raise OutOfTime(
                f"the next request would wait {_shown(when - now)} s {why} (the next free slot, shared by every"
                f" IRIS worker, is at {at}), and this call has {_shown(left)} s left of its time budget"
                f" ({self.budget} s, the time_budget setting)"
            )
        self.wait(when - time(), why)

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


def retry_wait(repeatable, response, retried):
    """Seconds to wait before repeating a request answered ``response``; None when it is not repeated.

    ``repeatable``: sending the request twice does no more than once (its method is idempotent, or
    the caller said so), so a 5xx, after which the work may have been done, may be retried.
    """
    asked = retry_after(response)
    if response.status_code == 429:  # refused before any work was done: any request may be repeated
        return QUOTA_WAIT if asked is None else asked
    if response.status_code in SERVER_ERRORS and repeatable:
        return BACKOFF_SECONDS * 2**retried if asked is None else asked
    return None


def retry_after(response):
    """The wait a Retry-After header asks, in seconds (it holds seconds or an HTTP date); None without one."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true too
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):  # no header, or one that is neither form
        return None
    return max(0.0, when.timestamp() - time())


def slot_key(settings):
    """One set of request slots per module and credentials: the secrets hashed, never stored."""
    return f"{__package__}:{hashlib.sha256(chr(0).join(_secrets(settings)).encode()).hexdigest()[:16]}"


def _secrets(settings):
    """The secret settings' values; none for settings that are not the module's own (the tests' stand-ins)."""
    return reading.secrets(settings) if isinstance(settings, Settings) else ()


def _setting(settings, name, least):
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < least:
        raise ValueError(f"The {name} setting is {value!r}: set it to a number, {least} or more, in IRIS")
    return value


def _shown(seconds):
    return f"{round(seconds, 1):g}"
