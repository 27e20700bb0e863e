"""VirusTotal API v3's answers, as its public reference documents them, to script a FakeService.

    service.answer("/domains/evil.example", fake_virustotal.found("domain", "evil.example", malicious=40))

Each function gives a ``(status, body[, headers])`` answer:
- an object: ``{"data": {"type", "id", "links": {"self"}, "attributes"}}``
  (https://docs.virustotal.com/reference/objects); the attributes of domains, IP addresses,
  files and URLs include ``last_analysis_stats`` (engines per category),
  ``last_analysis_results`` (engine -> category, engine_name, method, result),
  ``last_analysis_date`` (a UTC timestamp) and ``reputation``
  (https://docs.virustotal.com/reference/domains-object, .../url-object);
- an error: ``{"error": {"code", "message"}}`` with the HTTP status the code has in
  https://docs.virustotal.com/reference/errors. VT documents no Retry-After on a 429.
"""
# TODO: porting to another service (AGENTS.md, "Porting to another service"): its answers in the same
# (status, body[, headers]) form in a file of its own, then delete this one.

API_ROOT = "https://www.virustotal.com/api/v3"
KINDS = {"domain": "domains", "ip_address": "ip_addresses", "file": "files", "url": "urls"}
LAST_ANALYSIS = 1714557600  # 2024-05-01 10:00 UTC


def found(kind, object_id, malicious=0, suspicious=0, harmless=0, undetected=0, reputation=0, results=None):
    """200 with a ``kind`` object (domain, ip_address, file, url) whose engines said so.

    ``results`` (engine -> (category, result)) defaults to engines named after their verdict.
    """
    counts = {"malicious": malicious, "suspicious": suspicious, "harmless": harmless, "undetected": undetected}
    if results is None:
        results = {
            f"{category.title()}Engine{number}": (category, category if category != "undetected" else None)
            for category, count in counts.items()
            for number in range(1, count + 1)
        }
    attributes = {
        "last_analysis_date": LAST_ANALYSIS,
        "last_analysis_results": {
            engine: {"category": category, "engine_name": engine, "method": "blacklist", "result": result}
            for engine, (category, result) in results.items()
        },
        "last_analysis_stats": {**counts, "timeout": 0},
        "reputation": reputation,
    }
    data = {
        "type": kind,
        "id": object_id,
        "links": {"self": f"{API_ROOT}/{KINDS[kind]}/{object_id}"},
        "attributes": attributes,
    }
    return 200, {"data": data}


def error(status, code, message):
    return status, {"error": {"code": code, "message": message}}


def not_found(what):
    return error(404, "NotFoundError", f"{what} not found")


def wrong_key():
    return error(401, "WrongCredentialsError", "The API key is not valid")


def no_key():
    return error(401, "AuthenticationRequiredError", "No API key was given")


def quota_exceeded():
    return error(429, "QuotaExceededError", "The quota of this API key is spent")
