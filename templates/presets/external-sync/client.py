"""OpenCTI's GraphQL API over the module's HTTP session: the only code that knows OpenCTI.

pycti is not used: no pycti release installs into IRIS 2.4's environment (Python 3.9 with
requests 2.31 and setuptools 70.3 pinned). Where IRIS runs Python 3.12 (2.5), pycti can
take this file's place.

Each object is created with a STIX id derived from its IRIS id, and with ``update: true``:
creating it again updates it, and a delete hook, which gets only an id, can still name it.
"""

import uuid

# Fixed for good: changing it orphans every object synced before.
NAMESPACE = uuid.UUID("6f1c2b5e-4f0a-5c3d-9b7e-1a2d3c4e5f60")
HASH_ALGORITHMS = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}

ADD_CASE = """
mutation AddCase($input: CaseIncidentAddInput!) {
  caseIncidentAdd(input: $input) { id }
}"""
ADD_OBSERVABLE = """
mutation AddObservable($type: String!, $stix_id: StixId, $x_opencti_description: String, $update: Boolean,
                       $IPv4Addr: IPv4AddrAddInput, $IPv6Addr: IPv6AddrAddInput, $DomainName: DomainNameAddInput,
                       $Hostname: HostnameAddInput, $Url: UrlAddInput, $EmailAddr: EmailAddrAddInput,
                       $StixFile: StixFileAddInput) {
  stixCyberObservableAdd(type: $type, stix_id: $stix_id, x_opencti_description: $x_opencti_description,
                         update: $update, IPv4Addr: $IPv4Addr, IPv6Addr: $IPv6Addr, DomainName: $DomainName,
                         Hostname: $Hostname, Url: $Url, EmailAddr: $EmailAddr, StixFile: $StixFile) { id }
}"""
ADD_TO_CASE = """
mutation AddToCase($id: ID!, $input: StixRefRelationshipAddInput!) {
  stixDomainObjectEdit(id: $id) { relationAdd(input: $input) { id } }
}"""
DELETE_CASE = """
mutation DeleteCase($id: ID!) {
  stixDomainObjectEdit(id: $id) { delete }
}"""
DELETE_OBSERVABLE = """
mutation DeleteObservable($id: ID!) {
  stixCyberObservableEdit(id: $id) { delete }
}"""


def stix_id(stix_type, kind, iris_id):
    """The STIX id of the IRIS object ``kind`` number ``iris_id``, the same every time."""
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, f'dfir-iris:{kind}:{iris_id}')}"


def case_stix_id(case_id):
    return stix_id("case-incident", "case", case_id)


def observable_stix_id(observable_type, kind, iris_id):
    return stix_id("file" if observable_type == "StixFile" else observable_type.lower(), kind, iris_id)


class OpenCTI:
    def __init__(self, session, url, token):
        self.session = session
        self.url = url.rstrip("/")
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, query, variables):
        response = self.session.post(f"{self.url}/graphql", json={"query": query, "variables": variables})
        response.raise_for_status()
        answer = response.json()
        if answer.get("errors"):
            raise RuntimeError("OpenCTI refused: " + "; ".join(str(e.get("message")) for e in answer["errors"]))
        return answer["data"]

    def upsert_case(self, case_id, name, description):
        """Create or update the incident case that mirrors IRIS case ``case_id``; its OpenCTI id."""
        case = {"stix_id": case_stix_id(case_id), "name": name, "description": description or "", "update": True}
        return self.call(ADD_CASE, {"input": case})["caseIncidentAdd"]["id"]

    def upsert_observable(self, kind, iris_id, observable_type, iris_type, value, description):
        """Create or update the observable that mirrors an IRIS IOC or asset; its OpenCTI id."""
        variables = {
            "type": observable_type,
            "stix_id": observable_stix_id(observable_type, kind, iris_id),
            "x_opencti_description": description or "",
            "update": True,
            observable_type.replace("-", ""): observable_fields(iris_type, value),
        }
        return self.call(ADD_OBSERVABLE, variables)["stixCyberObservableAdd"]["id"]

    def add_to_case(self, case_id, object_id):
        """List the object in the incident case mirroring IRIS case ``case_id``."""
        relation = {"toId": object_id, "relationship_type": "object"}
        self.call(ADD_TO_CASE, {"id": case_stix_id(case_id), "input": relation})

    def delete_case(self, case_id):
        self.call(DELETE_CASE, {"id": case_stix_id(case_id)})

    def delete_observable(self, kind, iris_id, observable_types):
        """Delete the observable mirroring IRIS object ``kind`` number ``iris_id``; whether one was found.

        A delete hook does not say what type the object was: each of ``observable_types`` is tried.
        """
        for observable_type in observable_types:
            try:
                self.call(DELETE_OBSERVABLE, {"id": observable_stix_id(observable_type, kind, iris_id)})
            except RuntimeError:  # not of that type
                continue
            return True
        return False


def observable_fields(iris_type, value):
    """The observable's fields for an IRIS type and value: a hash for hash types, else the value."""
    _, _, digest_type = iris_type.rpartition("|")
    if digest_type in HASH_ALGORITHMS:
        return {"hashes": [{"algorithm": HASH_ALGORITHMS[digest_type], "hash": value.rpartition("|")[2]}]}
    return {"value": value}
