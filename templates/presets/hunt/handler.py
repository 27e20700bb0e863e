"""Hunt for new hash IOCs on every Velociraptor client; write what comes back on the IOC.

``handle_iocs`` is called for the IOC hooks in the module class's hook table with the list
of IRIS ``Ioc`` objects and a Context (``settings``, ``server_settings``, ``log``, ``hook``).
What it changes on the IOCs is saved by IRIS. Hunts run for hours: the module starts one
per IOC, waits a bounded while for first hits, and records the hunt id to follow it up.
"""

from . import client, enrichment, ioc_types

# IRIS's exact IOC type names the artifact can hunt for, and the hash each one gives.
# TODO: match these to client.ARTIFACT (LocalHashes matches MD5 only).
HUNTED_TYPES = {"md5": "md5", "filename|md5": "md5"}
TAG_PREFIX = "{{ cookiecutter.keyword }}"


def handle_iocs(iocs, context):
    """Start a hunt for each IOC of a type in HUNTED_TYPES."""
    settings = context.settings
    wanted = [ioc for ioc in iocs if ioc_types.choose(ioc, HUNTED_TYPES, context.log)]
    if not wanted:
        return iocs
    velociraptor = client.Velociraptor(client.connect(settings.api_config, settings.timeout))
    for ioc in wanted:
        _, digest = ioc_types.split_composite(ioc)
        hunt_id = velociraptor.start_hunt([digest], f"IRIS IOC {ioc.ioc_value}", settings.hunt_hours * 3600)
        enrichment.add_tags(ioc, "ioc_tags", [f"{TAG_PREFIX}:hunted"])
        context.log.info(f"IOC {ioc.ioc_value!r}: hunt {hunt_id} started")
        delays = client.backoff_delays(settings.wait_seconds)
        rows = client.wait_for_rows(lambda hunt=hunt_id: velociraptor.hunt_results(hunt), delays)
        if rows:
            enrichment.add_tags(ioc, "ioc_tags", [f"{TAG_PREFIX}:seen"])
        fields = report_fields(hunt_id, rows)
        html = enrichment.render_report(settings.report_template, title=ioc.ioc_value, fields=fields)
        enrichment.set_report_tab(ioc, settings.report_tab, html)
    return iocs


def report_fields(hunt_id, rows):
    """The rows of the report tab: the hunt, and the hosts that had the hash."""
    # TODO: the columns of your artifact's results analysts need to see.
    hosts = sorted({str(row.get("Fqdn") or row.get("ClientId")) for row in rows})
    return {"Hunt": hunt_id, "Hits so far": len(rows), "Hosts": ", ".join(hosts) or "none yet"}
