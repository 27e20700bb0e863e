"""Mirror IRIS cases, IOCs and assets into OpenCTI, and follow their updates and deletions. Your mapping goes here.

Each function is called for its hooks in the module class's hook table with what the hook
carries (objects, or ids for deletions) and a Context (``settings``, ``server_settings``,
``log``, ``hook``). Each object is handled on its own: one that fails is reported and the
others go on. Each mirrored object shows its OpenCTI id in its "OpenCTI" tab in IRIS.

OpenCTI keeps one observable per value for the whole platform, shared with every other case
and source: an IOC whose value changes moves to the observable of its new value, and a deleted
IOC leaves its case; no observable is renamed or deleted. IOCs become observables, never
Indicators (detection rules with a validity of their own, which analysts promote in OpenCTI).
"""

from . import client, ioc_types, iris_objects
from .context import Context
from .http_session import new_session

# IRIS's exact IOC type names, and the OpenCTI observable type each becomes. For an IP address
# IPv4-Addr or IPv6-Addr is chosen from the value itself.
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
    "filename|md5": "StixFile",
    "filename|sha1": "StixFile",
    "filename|sha256": "StixFile",
}
ASSET_OBSERVABLE = "Hostname"  # TODO: how your assets are best described in OpenCTI
REMOTE_TAB = "OpenCTI"


def connect(context):
    session = new_session(context.settings, context.server_settings)
    return client.OpenCTI(session, context.settings.opencti_url, context.settings.api_token)


def remember(obj, remote_id):
    iris_objects.set_tab_field(obj, REMOTE_TAB, "id", "input_string", remote_id)


def remembered(obj):
    """The OpenCTI id the object was mirrored to last time, or None."""
    field = ((getattr(obj, "custom_attributes", None) or {}).get(REMOTE_TAB) or {}).get("id") or {}
    return field.get("value") or None


def is_update(context):
    # An update that empties a description empties it in OpenCTI; a new IOC without one leaves
    # the description another source gave a shared observable as it is.
    return context.hook.endswith("_update")


def handle_cases(cases: list, context: Context) -> list:
    """Create or update the incident case that mirrors each IRIS case."""
    opencti = connect(context)
    for case in cases:
        with context.isolate(f"case {case.name!r}"):
            remember(case, opencti.upsert_case(case.case_id, case.name, case.description))
    return cases


def handle_iocs(iocs: list, context: Context) -> list:
    """Mirror each IOC of a type in OBSERVABLES as the observable of its value."""
    opencti = connect(context)
    for ioc in iocs:
        with context.isolate(f"IOC {ioc.ioc_value!r}"):
            observable_type = ioc_types.choose(ioc, OBSERVABLES, context.log)
            if observable_type is None:
                continue
            wanted = client.observable(observable_type, ioc_types.type_name(ioc), ioc.ioc_value)
{%- if iris().iocs_belong_to_one_case %}
            # An IOC belongs to one case (case_id): it is listed in that case's incident too.
            remote_id = opencti.mirror_observable(
                "ioc", ioc.ioc_id, wanted, ioc.ioc_description, previous_id=remembered(ioc),
                case_id=ioc.case_id, clear_description=is_update(context),
            )  # fmt: skip
{%- else %}
            # IRIS 2.4's IOCs do not say which case they belong to (they are shared through
            # IocLink); from IRIS 2.5 on they have case_id and are listed in the case too.
            remote_id = opencti.mirror_observable(
                "ioc", ioc.ioc_id, wanted, ioc.ioc_description, previous_id=remembered(ioc),
                case_id=getattr(ioc, "case_id", None), clear_description=is_update(context),
            )  # fmt: skip
{%- endif %}
            remember(ioc, remote_id)
    return iocs


def handle_assets(assets: list, context: Context) -> list:
    """Mirror each asset as an observable, listed in its case's incident case."""
    opencti = connect(context)
    for asset in assets:
        with context.isolate(f"asset {asset.asset_name!r}"):
            wanted = client.observable(ASSET_OBSERVABLE, "hostname", asset.asset_name)
            remote_id = opencti.mirror_observable(
                "asset", asset.asset_id, wanted, asset.asset_description, previous_id=remembered(asset),
                case_id=asset.case_id, clear_description=is_update(context),
            )  # fmt: skip
            remember(asset, remote_id)
    return assets


def handle_case_ids(ids: list, context: Context) -> list:
    """Delete the incident case of each deleted IRIS case; its observables stay."""
    opencti = connect(context)
    for case_id in ids:
        with context.isolate(f"case {case_id}"):
            if not opencti.delete_case(case_id):
                context.log.info(f"case {case_id}: never mirrored to OpenCTI, nothing to delete")
    return ids


def handle_ioc_ids(ids: list, context: Context) -> list:
    """Take deleted IOCs out of their incident case, when the delete_remote setting allows it."""
    observable_types = sorted(set(OBSERVABLES.values()) | set(client.IP_TYPES))
    return forget("ioc", ids, observable_types, context)


def handle_asset_ids(ids: list, context: Context) -> list:
    """Take deleted assets out of their incident case, when the delete_remote setting allows it."""
    return forget("asset", ids, [ASSET_OBSERVABLE], context)


def forget(kind, ids, observable_types, context):
    if not context.settings.delete_remote:
        context.log.info(f"{kind} {ids} deleted in IRIS; kept in OpenCTI (delete_remote is off)")
        return ids
    opencti = connect(context)
    for iris_id in ids:
        with context.isolate(f"{kind} {iris_id}"):
            observable, case = opencti.forget_observable(kind, iris_id, observable_types)
            if observable is None and case is None:
                context.log.info(f"{kind} {iris_id}: never mirrored to OpenCTI, nothing to remove")
            elif case is None:
                context.log.info(f"{kind} {iris_id}: was in no incident case; its observable {observable['id']} stays")
            else:
                context.log.info(f"{kind} {iris_id}: taken out of incident case {case['id']}; the observable stays")
    return ids
