"""Mirror IRIS cases, IOCs and assets into OpenCTI, and follow their updates and deletions. Your mapping goes here.

Each function is called for its hooks in the module class's hook table with what the hook
carries (objects, or ids for deletions) and a Context (``settings``, ``server_settings``,
``log``, ``hook``). Creating and updating are the same call: OpenCTI updates what exists.
Each mirrored object shows its OpenCTI id in its "OpenCTI" tab in IRIS.
"""

from . import client, enrichment, ioc_types
from .http_session import new_session

# IRIS's exact IOC type names, and the OpenCTI observable type each becomes.
# TODO: map the IOC types your cases use; IOCs of other types are skipped with a log line.
OBSERVABLES = {
    "ip-src": "IPv4-Addr",
    "ip-dst": "IPv4-Addr",
    "domain": "Domain-Name",
    "hostname": "Hostname",
    "url": "Url",
    "email-src": "Email-Addr",
    "email-dst": "Email-Addr",
    "md5": "StixFile",
    "sha1": "StixFile",
    "sha256": "StixFile",
    "filename|sha256": "StixFile",
}
ASSET_OBSERVABLE = "Hostname"  # TODO: how your assets are best described in OpenCTI
REMOTE_TAB = "OpenCTI"


def connect(context):
    session = new_session(context.settings, context.server_settings)
    return client.OpenCTI(session, context.settings.opencti_url, context.settings.api_token)


def remember(obj, remote_id):
    enrichment.set_tab_field(obj, REMOTE_TAB, "id", "input_string", remote_id)


def handle_cases(cases, context):
    """Create or update the incident case that mirrors each IRIS case."""
    opencti = connect(context)
    for case in cases:
        remember(case, opencti.upsert_case(case.case_id, case.name, case.description))
    return cases


def handle_iocs(iocs, context):
    """Create or update the observable that mirrors each IOC of a type in OBSERVABLES."""
    opencti = connect(context)
    for ioc in iocs:
        observable_type = ioc_types.choose(ioc, OBSERVABLES, context.log)
        if observable_type is None:
            continue
        iris_type = ioc_types.type_name(ioc)
        remote_id = opencti.upsert_observable(
            "ioc", ioc.ioc_id, observable_type, iris_type, ioc.ioc_value, ioc.ioc_description
        )
        remember(ioc, remote_id)
        # IRIS 2.4's IOCs do not say which case they belong to (they are shared through
        # IocLink); from IRIS 2.5 on they have case_id and are listed in the case too.
        case_id = getattr(ioc, "case_id", None)
        if case_id:
            opencti.add_to_case(case_id, remote_id)
    return iocs


def handle_assets(assets, context):
    """Create or update an observable for each asset, listed in its case's incident."""
    opencti = connect(context)
    for asset in assets:
        remote_id = opencti.upsert_observable(
            "asset", asset.asset_id, ASSET_OBSERVABLE, "hostname", asset.asset_name, asset.asset_description
        )
        remember(asset, remote_id)
        opencti.add_to_case(asset.case_id, remote_id)
    return assets


def handle_case_ids(ids, context):
    """Delete the incident case of each deleted IRIS case."""
    opencti = connect(context)
    for case_id in ids:
        opencti.delete_case(case_id)
    return ids


def handle_ioc_ids(ids, context):
    """Delete the observables of deleted IOCs, when the delete_remote setting allows it."""
    return delete_observables("ioc", ids, set(OBSERVABLES.values()), context)


def handle_asset_ids(ids, context):
    """Delete the observables of deleted assets, when the delete_remote setting allows it."""
    return delete_observables("asset", ids, {ASSET_OBSERVABLE}, context)


def delete_observables(kind, ids, observable_types, context):
    if not context.settings.delete_remote:
        context.log.info(f"{kind} {ids} deleted in IRIS; kept in OpenCTI (delete_remote is off)")
        return ids
    opencti = connect(context)
    for iris_id in ids:
        if not opencti.delete_observable(kind, iris_id, sorted(observable_types)):
            context.log.info(f"{kind} {iris_id}: no observable in OpenCTI")
    return ids
