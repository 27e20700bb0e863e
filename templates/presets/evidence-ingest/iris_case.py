"""What the pipeline adds to the case in IRIS: evidence files and IOCs, each once.

Each function goes through IRIS's own data layer, imported inside the function because it
exists only inside IRIS (the tests' fake IRIS stands in for it). IRIS saves each addition
at once.
"""

import hashlib

DEFAULT_TLP = "amber"


def register_evidence(case_id, user_id, path, description):
    """Register the file as one of the case's evidences (name, size, SHA-256); False when it already was."""
    from app.datamgmt.iris_engine.evidence_storage import EvidenceStorage

    digest = sha256(path)
    if EvidenceStorage.is_evidence_registered(case_id, digest):
        return False
    EvidenceStorage.add_evidence(case_id, path.name, description, path.stat().st_size, digest, None, user_id)
    return True


class CaseIocs:
    """Adds IOCs to one case, each once. IRIS's IOC types and TLPs are named as in IRIS."""

    def __init__(self, case_id, user_id):
        from app.datamgmt.case.case_iocs_db import get_tlps_dict

        self.case_id, self.user_id = case_id, user_id
        self.tlp_ids = get_tlps_dict()
        self.type_ids = {}  # read from IRIS on first use

{%- if iris().iocs_belong_to_one_case %}

    def add(self, type_name, value, description="", tags="", tlp=DEFAULT_TLP):
        """Add an IOC to the case; False when the case already has it."""
        from app import db
        from app.datamgmt.case.case_iocs_db import case_iocs_db_exists
        from app.datamgmt.manage.manage_attribute_db import get_default_custom_attributes
        from app.datamgmt.states import update_ioc_state
        from app.models.models import Ioc

        if tlp not in self.tlp_ids:
            raise LookupError(f"IRIS has no TLP {tlp!r}")
        ioc = Ioc(
            ioc_value=value,
            ioc_type_id=self.type_id(type_name),
            ioc_description=description,
            ioc_tags=tags,
            ioc_tlp_id=self.tlp_ids[tlp],
            user_id=self.user_id,
            case_id=self.case_id,
        )
        # Each IOC belongs to one case: IRIS's own check, of the value and type in this case.
        if case_iocs_db_exists(ioc):
            return False
        ioc.custom_attributes = get_default_custom_attributes("ioc")  # as IRIS's own IOC page does
        db.session.add(ioc)
        # What IRIS's add_ioc does, but for the user who ran the pipeline: add_ioc records the
        # change for the logged-in user (states.py:39-40), and the worker has none.
        update_ioc_state(caseid=self.case_id, userid=self.user_id)
        db.session.commit()
        return True
{%- else %}

    def add(self, type_name, value, description="", tags="", tlp=DEFAULT_TLP):
        """Add an IOC to the case; False when the case already has it."""
        from app import db
        from app.datamgmt.case.case_iocs_db import add_ioc_link, find_ioc
        from app.datamgmt.manage.manage_attribute_db import get_default_custom_attributes
        from app.datamgmt.states import update_ioc_state
        from app.models import Ioc

        if tlp not in self.tlp_ids:
            raise LookupError(f"IRIS has no TLP {tlp!r}")
        type_id = self.type_id(type_name)
        # An IOC is shared by the cases that have its value and type: IRIS's one is used if there
        # is one, else this one is saved; then it is linked to the case.
        ioc = find_ioc(value, type_id)
        if ioc is None:
            ioc = Ioc(
                ioc_value=value,
                ioc_type_id=type_id,
                ioc_description=description,
                ioc_tags=tags,
                ioc_tlp_id=self.tlp_ids[tlp],
                user_id=self.user_id,
            )
            ioc.custom_attributes = get_default_custom_attributes("ioc")  # as IRIS's own IOC page does
            db.session.add(ioc)
            # What IRIS's add_ioc does, but for the user who ran the pipeline: add_ioc records the
            # change for the logged-in user (states.py:39-40), and the worker has none.
            update_ioc_state(caseid=self.case_id, userid=self.user_id)
            db.session.commit()
        already_linked = add_ioc_link(ioc.ioc_id, self.case_id)
        return not already_linked
{%- endif %}

    def type_id(self, type_name):
        if type_name not in self.type_ids:
            from app.datamgmt.case.case_iocs_db import get_ioc_type_id

            row = get_ioc_type_id(type_name)
            if row is None:
                raise LookupError(f"IRIS has no IOC type {type_name!r}")
            self.type_ids[type_name] = row.type_id
        return self.type_ids[type_name]


def sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as evidence:
        for chunk in iter(lambda: evidence.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
