"""Look IOCs up in a web service; leave a report tab and tags on each. Your choices go here.

``handle_iocs`` is called for the IOC hooks in the module class's hook table with the list
of IRIS ``Ioc`` objects and a Context (``settings``, ``server_settings``, ``log``, ``hook``).
What it changes on the IOCs is saved by IRIS. Raising makes the call an error status in
IRIS's DIM tasks.
"""

from . import enrichment, ioc_types
from .client import Client
from .http_session import new_session

# IRIS's exact IOC type names, and the service's collection for each.
# TODO: keep the types your service knows; IOCs of other types are skipped with a log line.
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
TAG_PREFIX = "{{ cookiecutter.keyword }}"


def handle_iocs(iocs, context):
    """Enrich each IOC of a type in COLLECTIONS."""
    settings = context.settings
    client = Client(new_session(settings, context.server_settings), settings.api_url, settings.api_key)
    for ioc in iocs:
        collection = ioc_types.choose(ioc, COLLECTIONS, context.log)
        if collection is None:
            continue
        _, value = ioc_types.split_composite(ioc)  # filename|sha256 is looked up by its hash
        answer = client.lookup(collection, value)
        if answer is None:
            context.log.info(f"IOC {ioc.ioc_value!r}: unknown to the service")
            enrichment.add_tags(ioc, "ioc_tags", [f"{TAG_PREFIX}:unknown"])
            continue
        fields = report_fields(answer)
        html = enrichment.render_report(settings.report_template, title=ioc.ioc_value, fields=fields)
        enrichment.set_report_tab(ioc, settings.report_tab, html)
        enrichment.add_tags(ioc, "ioc_tags", tags(answer))
        context.log.info(f"IOC {ioc.ioc_value!r}: enriched from {collection}")
    return iocs


def report_fields(answer):
    """The rows of the report tab: name -> value, from the service's answer."""
    # TODO: pick the fields analysts need from your service's answer.
    return {name: answer[name] for name in sorted(answer) if isinstance(answer[name], (str, int, float))}


def tags(answer):
    """Tags for the IOC, from the service's answer."""
    # TODO: your service's verdict field and the tags your analysts filter on.
    verdict = str(answer.get("verdict", "unknown")).lower()
    return [f"{TAG_PREFIX}:{verdict}"]
