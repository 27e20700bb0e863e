"""Mirror IRIS cases, IOCs and assets into OpenCTI, and follow their updates and deletions. Your mapping goes here.

Each function is called for its hooks in the module class's hook table with what the hook
carries (objects, or ids for deletions) and a Context (``settings``, ``server_settings``,
``log``, ``hook``). Each object is handled on its own: one that fails is reported and the
others go on. Each mirrored object shows its OpenCTI id in its "OpenCTI" tab in IRIS.

OpenCTI keeps one observable per value for the whole platform, shared with every other case
and source: an IOC whose value changes moves to the observable of its new value, and a deleted
IOC leaves its cases; no observable is renamed or deleted. An object of a case that has no
incident case yet (the module was enabled after the case was opened) mirrors its case first. IOCs become observables, never
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
            remember(case, opencti.upsert_case(case.case_id, case.name, case.description)["id"])
    return cases


def incidents(opencti, case_ids, context):
    """The incident cases of IRIS cases ``case_ids``; a case never mirrored yet (the module was enabled after it was
    opened, or its hook failed) is mirrored now, from what IRIS holds."""
    found = []
    for case_id in case_ids:
        incident = opencti.find_case(client.case_stix_id(case_id))
        if incident is None:
            case = iris_case(case_id)
            incident = opencti.upsert_case(case_id, case.name, case.description)
            remember(case, incident["id"])
            context.log.info(f"case {case.name!r} mirrored to OpenCTI first: it had no incident case yet")
        found.append(incident)
    return found


def iris_case(case_id):
    """IRIS case ``case_id`` as IRIS's database holds it."""
    # IRIS's own lookup (datamgmt/case/case_db.py:50-51), imported here because it exists only inside IRIS.
    from app.datamgmt.case.case_db import get_case

    case = get_case(case_id)
    if case is None:
        raise LookupError(f"IRIS has no case {case_id}")
    return case
{%- if iris().iocs_belong_to_one_case %}


def ioc_case_ids(ioc):
    """The IRIS cases the IOC belongs to: its one case (``case_id``)."""
    return [ioc.case_id]
{%- else %}


def ioc_case_ids(ioc):
    """The IRIS cases the IOC is linked to.

    In IRIS 2.4 one IOC row serves every case that has its value and type: IocLink rows
    (ioc_id, case_id) tie it to them (models/models.py:485-493), added when an analyst adds the
    value to a case (business/iocs.py:62-64). A case unlinked since stops listing it at the IOC's
    next update: IRIS fires no hook for an unlink (business/iocs.py:131-133).
    """
    from app.models import IocLink

    return sorted({link.case_id for link in IocLink.query.filter_by(ioc_id=ioc.ioc_id).all()})
{%- endif %}


def handle_iocs(iocs: list, context: Context) -> list:
    """Mirror each IOC of a type in OBSERVABLES as the observable of its value, listed in its cases' incident cases."""
    opencti = connect(context)
    for ioc in iocs:
        with context.isolate(f"IOC {ioc.ioc_value!r}"):
            observable_type = ioc_types.choose(ioc, OBSERVABLES, context.log)
            if observable_type is None:
                continue
            wanted = client.observable(observable_type, ioc_types.type_name(ioc), ioc.ioc_value)
            cases = incidents(opencti, ioc_case_ids(ioc), context)
            remote_id = opencti.mirror_observable(
                "ioc", ioc.ioc_id, wanted, ioc.ioc_description, cases, previous_id=remembered(ioc),
                clear_description=is_update(context),
            )  # fmt: skip
            remember(ioc, remote_id)
    return iocs


def handle_assets(assets: list, context: Context) -> list:
    """Mirror each asset as an observable, listed in its case's incident case."""
    opencti = connect(context)
    for asset in assets:
        with context.isolate(f"asset {asset.asset_name!r}"):
            wanted = client.observable(ASSET_OBSERVABLE, "hostname", asset.asset_name)
            cases = incidents(opencti, [asset.case_id], context)
            remote_id = opencti.mirror_observable(
                "asset", asset.asset_id, wanted, asset.asset_description, cases, previous_id=remembered(asset),
                clear_description=is_update(context),
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
            observable, cases = opencti.forget_observable(kind, iris_id, observable_types)
            if observable is None:
                context.log.info(f"{kind} {iris_id}: never mirrored to OpenCTI, nothing to remove")
            elif not cases:
                context.log.info(f"{kind} {iris_id}: was in no incident case; its observable {observable['id']} stays")
            else:
                taken = ", ".join(case["id"] for case in cases)
                context.log.info(f"{kind} {iris_id}: taken out of incident case(s) {taken}; the observable stays")
    return ids
