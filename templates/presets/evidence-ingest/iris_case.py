"""What the pipeline adds to the case in IRIS: evidence files and IOCs, each once, and only IOCs IRIS would take.

Each function goes through IRIS's own data layer, imported inside the function because it
exists only inside IRIS (the tests' fake IRIS stands in for it). IRIS saves each addition
at once.
"""

import hashlib
import re

from . import ioc_formats

DEFAULT_TLP = "amber"
TAGS_LIMIT = 512  # characters: ioc_tags is a String(512) column (models/models.py:411); value and description are Text
NUL = "\x00"  # which PostgreSQL's text columns cannot hold


def register_evidence(case_id, user_id, path, description):
    """Register the file as one of the case's evidences (name, size, SHA-256); False when it already was."""
    from app.datamgmt.iris_engine.evidence_storage import EvidenceStorage

    digest = sha256(path)
    if EvidenceStorage.is_evidence_registered(case_id, digest):
        return False
    EvidenceStorage.add_evidence(case_id, path.name, description, path.stat().st_size, digest, None, user_id)
    return True


class CaseIocs:
    """Adds IOCs to one case, each once, as IRIS would take them. IRIS's IOC types and TLPs are named as in IRIS.

    ``add`` raises LookupError for a type or TLP IRIS does not have, and ValueError for a value IRIS refuses.
    """

    def __init__(self, case_id, user_id):
        from app.datamgmt.case.case_iocs_db import get_tlps_dict

        self.case_id, self.user_id = case_id, user_id
        self.tlp_ids = get_tlps_dict()
        self.types = {}  # IRIS's IocType rows, read on first use

{%- if iris().iocs_belong_to_one_case %}

    def add(self, type_name, value, description="", tags="", tlp=DEFAULT_TLP):
        """Add an IOC to the case; False when the case already has it."""
        type_id, tlp_id = self.checked(type_name, value, description, tags, tlp)  # first: a refused one costs less
        from app import db
        from app.datamgmt.case.case_iocs_db import case_iocs_db_exists
        from app.datamgmt.manage.manage_attribute_db import get_default_custom_attributes
        from app.datamgmt.states import update_ioc_state
        from app.models.models import Ioc

        ioc = Ioc(
            ioc_value=value,
            ioc_type_id=type_id,
            ioc_description=description,
            ioc_tags=tags,
            ioc_tlp_id=tlp_id,
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
        type_id, tlp_id = self.checked(type_name, value, description, tags, tlp)  # first: a refused one costs less
        from app import db
        from app.datamgmt.case.case_iocs_db import add_ioc_link, find_ioc
        from app.datamgmt.manage.manage_attribute_db import get_default_custom_attributes
        from app.datamgmt.states import update_ioc_state
        from app.models import Ioc

        # An IOC is shared by the cases that have its value and type: IRIS's one is used if there
        # is one, else this one is saved; then it is linked to the case.
        ioc = find_ioc(value, type_id)
        if ioc is None:
            ioc = Ioc(
                ioc_value=value,
                ioc_type_id=type_id,
                ioc_description=description,
                ioc_tags=tags,
                ioc_tlp_id=tlp_id,
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

    def checked(self, type_name, value, description, tags, tlp):
        """The type and TLP ids of an IOC IRIS would store as it is; raises what ``add`` raises."""
        for field, text in (("type", type_name), ("value", value), ("description", description), ("tags", tags)):
            if NUL in text:
                raise ValueError(f"a NUL character in the {field}, which IRIS's database cannot store")
        if len(tags) > TAGS_LIMIT:
            raise ValueError(f"tags of {len(tags)} characters, over IRIS's {TAGS_LIMIT}")
        if tlp not in self.tlp_ids:
            raise LookupError(f"IRIS has no TLP {tlp!r}")
        ioc_type = self.ioc_type(type_name)
        # IRIS's own check of an IOC value (IocSchema.verify_data, schema/marshables.py:995-999 in 2.4.20): the
        # format the type's row holds, which an admin may set, must match the whole value, ignoring case. A fresh
        # database's rows hold none: then the one IRIS's source gives the type (ioc_formats.py).
        regex, expect = ioc_type.type_validation_regex, ioc_type.type_validation_expect
        if not regex:
            regex, expect = ioc_formats.FORMATS.get(type_name, (None, None))
        try:
            matches = not regex or re.fullmatch(regex, value, re.IGNORECASE)
        except re.error as error:
            raise LookupError(f"IRIS's format for {type_name} is not a regular expression: {error}") from None
        if not matches:
            raise ValueError(f"not a {type_name} value: IRIS expects {expect or regex}")
        return ioc_type.type_id, self.tlp_ids[tlp]

    def ioc_type(self, type_name):
        """IRIS's IocType row of that exact name."""
        if type_name not in self.types:
            from app.datamgmt.case.case_iocs_db import get_ioc_type_id

            row = get_ioc_type_id(type_name)
            if row is None:
                raise LookupError(f"IRIS has no IOC type {type_name!r}")
            self.types[type_name] = row
        return self.types[type_name]


def sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as evidence:
        for chunk in iter(lambda: evidence.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
