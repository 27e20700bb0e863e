"""Secrets kept out of what IRIS publishes: statuses, task logs, log records, tracebacks.

IRIS keeps a call's status and everything the module logged with the task, and shows them on
the DIM tasks page to everyone who can see it. A secret reaches text in other forms than as
typed: an error's repr (``'k-123\\n'``), JSON, a URL (percent-encoded), an HTTP Basic header
(the base64 of ``user:secret``). Every such form is masked, and a secret URL's parts too
(its query's values, its userinfo, a token in its path), which libraries print alone. The
libraries' own records lose every URL's userinfo and query values, whoever's URL it is.
Imports nothing from IRIS.
"""

import base64
import json
import logging
import re
from contextlib import contextmanager
from urllib.parse import quote, quote_plus, unquote, urlsplit

MASK = "********"
SHORTEST_FORM = 4  # a shorter derived form would mask ordinary text
# Loggers of the libraries modules send with, whose records (retry warnings, say) hold URLs.
LIBRARY_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.poolmanager", "requests")
# A path segment this long in a secret URL is taken for a token (a webhook's); shorter ones are words (/api).
TOKEN_SEGMENT = 16
# In the libraries' records: a URL's userinfo (user:password@) and each query value (?token=...).
USERINFO = re.compile(r"(?<=://)[^/?#@\s'\"]+@")
QUERY_VALUE = re.compile(r"(?<=[?&])([^=&#\s'\"]+)=([^&#\s'\"]+)")


def forms(secret):
    """The texts ``secret`` can show up as, and those of its parts when it is a URL."""
    return {form for part in (secret, *url_parts(secret)) for form in _forms(part)}


def url_parts(secret):
    """The parts of a URL that stand for it: urllib3 logs a request's path and query without the host, and an
    error names its userinfo or a query value alone. None for a secret that is not a URL."""
    try:
        url = urlsplit(secret.strip())
    except ValueError:  # not a URL (an unbalanced [ in a host)
        return set()
    if not (url.scheme and url.netloc):
        return set()
    found = {url.password or "", url.query, f"{url.path}?{url.query}" if url.query else ""}
    if url.username and url.password:
        found.add(f"{url.username}:{url.password}")
    for pair in url.query.split("&"):
        value = pair.partition("=")[2]
        found |= {value, unquote(value)}
    found |= {segment for segment in url.path.split("/") if len(segment) >= TOKEN_SEGMENT}
    return {part for part in found if len(part) >= SHORTEST_FORM}


def _forms(secret):
    found = {
        secret.strip(),
        repr(secret)[1:-1],
        repr(secret.encode())[2:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        *_base64_cores(secret.encode()),
    }
    return {form for form in found if len(form) >= SHORTEST_FORM} | {secret}


def _base64_cores(data):
    """The part of the base64 of any text holding ``data`` that depends on ``data`` alone.

    Base64 turns each 3 bytes into 4 characters, so what precedes ``data`` shifts it by 0, 1 or 2
    bytes; for each shift, the characters made only of ``data``'s bits are always the same.
    """
    for shift in range(3):
        encoded = base64.b64encode(bytes(shift) + data).decode()
        core = encoded[-(-8 * shift // 6) : 8 * (shift + len(data)) // 6]
        yield core
        yield core.translate(str.maketrans("+/", "-_"))  # base64url


class Masker:
    """Replaces every form of the given secrets with MASK."""

    def __init__(self, secrets):
        self.forms = sorted({form for secret in secrets if secret for form in forms(secret)}, key=len, reverse=True)

    def __call__(self, text):
        for form in self.forms:
            text = text.replace(form, MASK)
        return text

    def __bool__(self):
        return bool(self.forms)


class MaskSecrets(logging.Filter):
    """Masks secrets in each log record, traceback included, before any handler sees it."""

    def __init__(self, mask):
        super().__init__()
        self.mask = mask

    def filter(self, record):
        record.msg, record.args = self.mask(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True


def redact_urls(text):
    """``text`` with the userinfo and the query values of every URL (or request path) in it masked."""
    return QUERY_VALUE.sub(lambda match: f"{match[1]}={MASK}", USERINFO.sub(f"{MASK}@", text))


class RedactUrls(logging.Filter):
    """Masks every URL's userinfo and query values in a library's records (urllib3's retry warnings name
    the request's path and query), whether or not the module knows them for secrets."""

    def filter(self, record):
        record.msg, record.args = redact_urls(record.getMessage()), ()
        return True


REDACT_URLS = RedactUrls()


def redacting_library_urls():
    """Put RedactUrls on LIBRARY_LOGGERS, once for the process: a second call adds nothing."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).addFilter(REDACT_URLS)


@contextmanager
def masking_libraries(mask):
    """Mask secrets in the records of LIBRARY_LOGGERS too, while the call runs."""
    if not mask:
        yield
        return
    mask_filter = MaskSecrets(mask)
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    for logger in loggers:
        logger.addFilter(mask_filter)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(mask_filter)
