"""VirusTotal's API v3, and the only code that knows its addresses and its answers.

As VT's public API reference documents it (docs.virustotal.com/reference):
- an object is read with ``GET <api_url>/<collection>/<id>``, the key in the ``x-apikey``
  header, and comes as ``{"data": {"type", "id", "links", "attributes"}}`` (overview, objects);
- a URL's id is the URL in base64url without "=" padding (url); VT answers with the
  SHA-256 id it keeps the URL under;
- the verdict is in ``attributes.last_analysis_stats``, engines per category, and each
  engine's say in ``last_analysis_results`` (domains-object, ip-object, files, url-object);
- an error is ``{"error": {"code", "message"}}`` with its HTTP status: 404 NotFoundError,
  401 WrongCredentialsError, 429 QuotaExceededError... (errors).

Another service: change the addresses, the key header and ``read`` here, keeping Report.
"""
# TODO: a port to another service starts here (AGENTS.md, "Porting to another service"): its addresses,
# key header and answers in read(), giving the same Report; a search it takes as a POST is sent safe_to_repeat=True.

import base64
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional
from urllib.parse import quote

# Where analysts read an object in VT's web interface: the API's answer does not say.
GUI_URL = "https://www.virustotal.com/gui"
GUI_KINDS = {"ip_addresses": "ip-address", "domains": "domain", "files": "file", "urls": "url"}
FLAGGING = ("malicious", "suspicious")  # the categories of engines that flag an object
HINTS = {
    401: "check the api_key setting",
    403: "this key may not read this",
    429: "the key's quota is spent: lower requests_per_minute, or wait for the daily quota",
}


class ServiceError(Exception):
    """VirusTotal refused the request."""


class UnreadableAnswer(ServiceError):
    """VirusTotal's answer is not the shape this client reads: an error, never a verdict."""


@dataclass(frozen=True)
class Report:
    """What VirusTotal knows of one object: the parts the handler uses, and the rest as it came."""

    id: str  # VT's id of the object; for a URL, the SHA-256 it keeps it under
    stats: dict  # engines per category in the last analysis: malicious, suspicious, harmless...
    flagged_by: dict  # engine -> its result, for each engine that found the object malicious or suspicious
    reputation: Optional[int]  # VT's community score, negative for bad
    last_analysis: Optional[datetime]  # UTC; None when never analysed
    link: str  # the object's page in VT's web interface
    attributes: dict  # every attribute of the answer

    @property
    def engines(self):
        return sum(self.stats.values())


class Client:
    def __init__(self, session, api_url, api_key):
        self.session = session
        self.api_url = api_url.rstrip("/")
        self.session.headers["x-apikey"] = api_key

    def lookup(self, collection, value):
        """VT's Report on ``value`` in ``collection`` (ip_addresses, domains, files, urls); None when VT does not know it."""
        response = self.session.get(f"{self.api_url}/{collection}/{object_id(collection, value)}")
        body = _json(response)
        if response.status_code == 200:
            return read(collection, body)
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {"message": "no VirusTotal error in the answer"}
        if response.status_code == 404 and error.get("code") == "NotFoundError":
            return None
        said = " ".join(str(part) for part in (response.status_code, error.get("code")) if part)
        hint = f"; {HINTS[response.status_code]}" if response.status_code in HINTS else ""
        raise ServiceError(f"VirusTotal answered {said}: {error.get('message', '')}{hint}")


def object_id(collection, value):
    """The id VT reads ``value`` under; it never changes the request's path or query."""
    if collection == "urls":
        return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
    if value.strip() in ("", ".", ".."):  # quoted as they are, and a URL's path would drop or climb them
        raise ValueError(f"{value!r} is not a value VirusTotal can be asked about: not looked up")
    return quote(value, safe="")


def read(collection, body):
    """The Report in a 200 answer; UnreadableAnswer naming what is missing when it is not VT's shape."""
    data = _field(body, "data", dict)
    attributes = _field(data, "attributes", dict, "data.")
    identifier = _field(data, "id", str, "data.")
    stats = _field(attributes, "last_analysis_stats", dict, "data.attributes.")
    if not all(category in stats for category in FLAGGING) or not all(_is_int(count) for count in stats.values()):
        raise UnreadableAnswer(f"VirusTotal's last_analysis_stats lacks malicious or suspicious counts: {stats!r}")
    results = attributes.get("last_analysis_results")
    results = results if isinstance(results, dict) else {}
    flagged_by = {
        engine: said.get("result") or said.get("category")
        for engine, said in sorted(results.items())
        if isinstance(said, dict) and said.get("category") in FLAGGING
    }
    date = attributes.get("last_analysis_date")
    reputation = attributes.get("reputation")
    return Report(
        id=identifier,
        stats=stats,
        flagged_by=flagged_by,
        reputation=reputation if _is_int(reputation) else None,
        last_analysis=_utc(date),
        link=f"{GUI_URL}/{GUI_KINDS[collection]}/{quote(identifier, safe='')}",
        attributes=attributes,
    )


def _json(response):
    try:
        return response.json()
    except ValueError:
        if response.status_code == 200:
            raise UnreadableAnswer(f"VirusTotal answered 200 with no JSON: {response.text[:200]!r}") from None
        return None


def _field(parent, name, kind, where=""):
    value = parent.get(name) if isinstance(parent, dict) else None
    if not isinstance(value, kind):
        raise UnreadableAnswer(f"VirusTotal's answer has no {where}{name} ({kind.__name__}): is api_url VT's API v3?")
    return value


def _utc(timestamp):
    """A VT date (seconds since 1970) in UTC; None without one; UnreadableAnswer for one no calendar holds."""
    if not _is_int(timestamp):
        return None
    try:
        return datetime.fromtimestamp(timestamp, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise UnreadableAnswer(f"VirusTotal's last_analysis_date is not a date: {timestamp!r}") from None


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)
