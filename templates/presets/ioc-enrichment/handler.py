"""Look IOCs up in VirusTotal; leave a report tab and a verdict tag on each. Your choices go here.

``handle_iocs`` is called for the IOC hooks in the module class's hook table with the list
of IRIS ``Ioc`` objects and a Context (``settings``, ``server_settings``, ``log``, ``hook``).
What it changes on the IOCs is saved by IRIS. Each IOC is looked up on its own: one that
fails (a refused key, a service down, an answer that cannot be read, no time left) is
named in the call's error status, and the others are still looked up.
"""

from . import ioc_types, iris_objects
from .client import Client
from .context import Context
from .http_session import new_session
from .report import render_report

# IRIS's exact IOC type names, and VirusTotal's collection for each.
# TODO: keep the types you want looked up; IOCs of other types are skipped with a log line.
COLLECTIONS = {
    "ip-src": "ip_addresses",
    "ip-dst": "ip_addresses",
    "domain": "domains",
    "hostname": "domains",
    "url": "urls",
    "md5": "files",
    "sha1": "files",
    "sha256": "files",
    "filename|md5": "files",
    "filename|sha1": "files",
    "filename|sha256": "files",
}
# The module's tags are TAG_PREFIX:<verdict>; a new verdict replaces every TAG_PREFIX:* tag.
TAG_PREFIX = "{{ cookiecutter.keyword }}"
NOT_FOUND = "not-found"


def handle_iocs(iocs: list, context: Context) -> list:
    """Enrich each IOC of a type in COLLECTIONS."""
    settings = context.settings
    # One session for the call: its requests are spaced under requests_per_minute.
    session = new_session(settings, context.server_settings, log=context.log)
    client = Client(session, settings.api_url, settings.api_key)
    for ioc in iocs:
        with context.isolate(f"IOC {ioc.ioc_value!r}"):
            enrich(ioc, client, context)
    return iocs


def enrich(ioc, client, context):
    """Look one IOC up; leave its report tab and verdict tag."""
    collection = ioc_types.choose(ioc, COLLECTIONS, context.log)
    if collection is None:
        return
    _, value = ioc_types.split_composite(ioc)  # filename|sha256 is looked up by its hash
    settings = context.settings
    report = client.lookup(collection, value)
    found = NOT_FOUND if report is None else verdict(report, settings)
    if report is not None:
        html = render_report(
            settings.report_template,
            title=ioc.ioc_value,
            fields=report_fields(report, found),
            links={"VirusTotal": report.link},
            raw=report.attributes,
        )
        iris_objects.set_report_tab(ioc, settings.report_tab, html)
    iris_objects.replace_tags(ioc, "ioc_tags", TAG_PREFIX, tags(found, report, ioc))
    context.log.info(f"IOC {ioc.ioc_value!r}: {found}")


def verdict(report, settings):
    """malicious, suspicious, harmless, or unrated when no engine looked: from the engines that flagged it."""
    malicious, suspicious = report.stats["malicious"], report.stats["suspicious"]
    if malicious >= threshold(settings, "malicious_threshold"):
        return "malicious"
    if malicious + suspicious >= threshold(settings, "suspicious_threshold"):
        return "suspicious"
    return "harmless" if report.engines else "unrated"


def threshold(settings, name):
    value = getattr(settings, name)
    if value is None or value < 1:
        raise ValueError(f"The {name} setting is {value!r}: set it to 1 or more in IRIS, or every IOC would match")
    return value


def report_fields(report, found):
    """The rows of the report tab: name -> value."""
    # TODO: the fields your analysts need; report.attributes holds all of VT's answer.
    last = report.last_analysis
    return {
        "Verdict": found,
        "Detections (malicious / engines)": f"{report.stats['malicious']} / {report.engines}",
        "Suspicious": report.stats["suspicious"],
        "Reputation": "none" if report.reputation is None else report.reputation,
        "Last analysis": last.strftime("%Y-%m-%d %H:%M UTC") if last else "never",
        "Flagged by": ", ".join(f"{engine} ({said})" for engine, said in report.flagged_by.items()) or "no engine",
    }


def tags(found, report, ioc):
    """The module's tags for the IOC; each replaces every earlier TAG_PREFIX:* tag. ``report`` is None when not found."""
    # TODO: more tags of your own, e.g. by IOC type or from VT's report.attributes["tags"].
    return [f"{TAG_PREFIX}:{found}"]
