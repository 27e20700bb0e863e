"""OpenCTI's GraphQL API over the module's HTTP session: the only code that knows OpenCTI.

pycti is not used: no pycti release installs into IRIS 2.4's environment (Python 3.9 with
requests 2.31 and setuptools 70.3 pinned). Where IRIS runs Python 3.12 (2.5), pycti can
take this file's place.

How OpenCTI keeps what the module sends:
- An observable is one per value for the whole platform, shared by every case, source and
  connector: creating a value that exists returns the existing observable. So an observable is
  never renamed or deleted here. When an IOC's value changes, the IOC moves to the observable
  of its new value; when it is deleted, it leaves its cases' incidents.
- OpenCTI keeps a STIX id a client gives as an alias of the object, and finds the object by it.
  Each IRIS object gets one on its observable, derived from its IRIS id, and one on each
  incident case that lists it, derived from its IRIS id and that case. A delete hook, which gets
  only an id, finds the observable by its alias, and the cases that list it for that object
  among the observable's incident cases.
- The incident case mirroring an IRIS case belongs to IRIS alone: it follows the case's name
  and description, and is deleted with it.

Every value, IRIS's or OpenCTI's, travels as a GraphQL variable in the body of a POST to
``<url>/graphql``: none can change the request's path or query. What OpenCTI answers is checked
before use: an answer of another shape fails its object, naming the field and what came.
"""
# TODO: a port to another platform starts here (AGENTS.md, "Porting to another service"): its operations in
# place of OpenCTI's, each value still sent as data (never pasted into a query), each answer still checked.

import ipaddress
import re
import uuid

# Fixed for good: changing it orphans every object synced before.
NAMESPACE = uuid.UUID("6f1c2b5e-4f0a-5c3d-9b7e-1a2d3c4e5f60")
HASH_ALGORITHMS = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}
HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64}
IP_TYPES = ("IPv4-Addr", "IPv6-Addr")  # either is chosen from the value itself

# The values OpenCTI refuses ("Observable is not correctly formatted"), checked here first so that
# the message names the value: DNS labels of letters, digits and hyphens (underscores too in host
# names), dot-separated, nothing else; an email address's usual characters, @, and labels of at
# most 63 characters.
DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"
EMAIL_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
NAME_PATTERNS = {
    "Domain-Name": re.compile(rf"(?:{DOMAIN_LABEL}\.)*{DOMAIN_LABEL}"),
    "Hostname": re.compile(rf"(?:{HOST_LABEL}\.)*{HOST_LABEL}"),
    "Email-Addr": re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`|~-]+@(?:{EMAIL_LABEL}\.)*{EMAIL_LABEL}"),
}

FIND_OBSERVABLE = """
query FindObservable($id: String!) {
  stixCyberObservable(id: $id) { id x_opencti_stix_ids }
}"""
ADD_OBSERVABLE = """
mutation AddObservable($type: String!, $x_opencti_description: String, $update: Boolean,
                       $IPv4Addr: IPv4AddrAddInput, $IPv6Addr: IPv6AddrAddInput, $DomainName: DomainNameAddInput,
                       $Hostname: HostnameAddInput, $Url: UrlAddInput, $EmailAddr: EmailAddrAddInput,
                       $StixFile: StixFileAddInput) {
  stixCyberObservableAdd(type: $type, x_opencti_description: $x_opencti_description, update: $update,
                         IPv4Addr: $IPv4Addr, IPv6Addr: $IPv6Addr, DomainName: $DomainName, Hostname: $Hostname,
                         Url: $Url, EmailAddr: $EmailAddr, StixFile: $StixFile) {
    id x_opencti_stix_ids x_opencti_description
  }
}"""
PATCH_OBSERVABLE = """
mutation PatchObservable($id: ID!, $input: [EditInput]!) {
  stixCyberObservableEdit(id: $id) { fieldPatch(input: $input) { id } }
}"""
OBSERVABLE_CASES = """
query ObservableCases($id: String!, $first: Int, $types: [String!]) {
  stixCyberObservable(id: $id) {
    id containers(first: $first, entityTypes: $types) { edges { node { id x_opencti_stix_ids } } }
  }
}"""
FIND_CASE = """
query FindCase($id: String!) {
  caseIncident(id: $id) { id x_opencti_stix_ids }
}"""
ADD_CASE = """
mutation AddCase($input: CaseIncidentAddInput!) {
  caseIncidentAdd(input: $input) { id description x_opencti_stix_ids }
}"""
PATCH_CASE = """
mutation PatchCase($id: ID!, $input: [EditInput]!) {
  stixDomainObjectEdit(id: $id) { fieldPatch(input: $input) { id } }
}"""
ADD_TO_CASE = """
mutation AddToCase($id: ID!, $input: StixRefRelationshipAddInput!) {
  stixDomainObjectEdit(id: $id) { relationAdd(input: $input) { id } }
}"""
REMOVE_FROM_CASE = """
mutation RemoveFromCase($id: ID!, $toId: StixRef!, $relationship_type: String) {
  stixDomainObjectEdit(id: $id) { relationDelete(toId: $toId, relationship_type: $relationship_type) { id } }
}"""
DELETE_CASE = """
mutation DeleteCase($id: ID!) {
  stixDomainObjectEdit(id: $id) { delete }
}"""
# The most incident cases read of one observable: an observable listed in more (it is shared with every case of
# every source) may keep a listing of a deleted IOC in those past the first ones.
CASES_READ = 1000
ROOT_FIELD = re.compile(r"[{]\s*(\w+)")  # a document's one root field: the first name after its first brace


class OpenCTIError(RuntimeError):
    """OpenCTI answered with GraphQL errors (refused, forbidden, or failed), or not as OpenCTI answers."""


def iris_uuid(kind, iris_id):
    """The UUID of the IRIS object ``kind`` number ``iris_id``, the same every time."""
    return uuid.uuid5(NAMESPACE, f"dfir-iris:{kind}:{iris_id}")


def case_stix_id(case_id):
    return f"case-incident--{iris_uuid('case', case_id)}"


def stix_type(observable_type):
    return "file" if observable_type == "StixFile" else observable_type.lower()


def observable_stix_id(observable_type, kind, iris_id):
    """The alias of an IRIS IOC or asset on its observable."""
    return f"{stix_type(observable_type)}--{iris_uuid(kind, iris_id)}"


def listing_stix_id(object_uuid, case_id):
    """The alias, on the incident case of OpenCTI id ``case_id``, of the IRIS object of UUID ``object_uuid`` it lists.

    One per object and case: an IOC of IRIS 2.4 is listed in every case it is linked to, and
    OpenCTI finds an object by an alias only when no other object has it.
    """
    return f"case-incident--{uuid.uuid5(NAMESPACE, f'{object_uuid} in {case_id}')}"


def is_alias_of(stix_id, kind, iris_id):
    return stix_id.endswith(f"--{iris_uuid(kind, iris_id)}")


class OpenCTI:
    def __init__(self, session, url, token):
        self.session = session
        self.url = url.rstrip("/")
        self.token = token
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, document, variables):
        """What OpenCTI answers ``document``'s root field with; OpenCTIError for errors and answers of another shape."""
        field = ROOT_FIELD.search(document).group(1)
        response = self.session.post(f"{self.url}/graphql", json={"query": document, "variables": variables})
        try:
            answer = response.json()
        except ValueError:
            answer = None
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if errors:  # also in a 4xx: Apollo refuses a request it cannot read with 400 and its errors
            status = "" if response.ok else f" (HTTP {response.status_code})"
            errors = errors if isinstance(errors, list) else [errors]
            raise OpenCTIError(f"OpenCTI refused {field}{status}: " + "; ".join(describe(error) for error in errors))
        if not response.ok:
            raise OpenCTIError(
                f"OpenCTI at {self.url} answered HTTP {response.status_code} {response.reason}: {self.quoted(response)}"
            )
        if answer is None:
            raise OpenCTIError(
                f"OpenCTI at {self.url} answered {field} with a body that is not JSON: {self.quoted(response)}"
            )
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or field not in data:
            raise OpenCTIError(f"OpenCTI answered without data.{field}: {self.quoted(response)}")
        return data[field]

    def quoted(self, response):
        """The body of ``response`` as a message quotes it; a token echoed back is masked before the body is cut short."""
        return shown(response.text.replace(self.token, "********") if self.token else response.text)

    def answered_object(self, document, variables, lookup=False):
        """The object OpenCTI answers ``document`` with: a dict with its id, aliases (if asked) a list of STIX ids.

        A ``lookup`` answers None for an id OpenCTI does not know.
        """
        answer = self.call(document, variables)
        if answer is None and lookup:
            return None
        field = ROOT_FIELD.search(document).group(1)
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str) or not answer["id"]:
            raise OpenCTIError(f"OpenCTI answered {field} with {shown(answer)}, not an object with an id")
        aliases = answer.get("x_opencti_stix_ids")
        if aliases is not None and not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            raise OpenCTIError(
                f"OpenCTI answered {field}.x_opencti_stix_ids with {shown(aliases)}, not a list of STIX ids"
            )
        return answer

    # Incident cases
    def upsert_case(self, case_id, name, description):
        """Create or update the incident case that mirrors IRIS case ``case_id``: its id and aliases."""
        case = {"stix_id": case_stix_id(case_id), "name": name, "description": description or None, "update": True}
        answer = self.answered_object(ADD_CASE, {"input": case})
        if not description and answer.get("description"):  # an upsert leaves out empty fields: clear it
            self.patch(PATCH_CASE, answer["id"], edit("description", [""]))
        return answer

    def find_case(self, stix_id):
        """The incident case known by ``stix_id`` (its id and aliases), or None."""
        return self.answered_object(FIND_CASE, {"id": stix_id}, lookup=True)

    def delete_case(self, case_id):
        """Delete the incident case of IRIS case ``case_id``; False when it was never mirrored."""
        case = self.find_case(case_stix_id(case_id))
        if case is None:
            return False
        self.call(DELETE_CASE, {"id": case["id"]})
        return True

    # Observables of IOCs and assets
    def mirror_observable(self, kind, iris_id, wanted, description, cases, previous_id=None, clear_description=False):
        """Mirror IRIS object ``kind`` number ``iris_id`` as the observable ``wanted``, listed in ``cases``; its id.

        ``cases`` are the incident cases (as ``find_case`` answers them) of the IRIS cases the
        object belongs to now. The observable of the value is created, or found if the value
        exists. If the object was mirrored to another observable before (``previous_id``, or its
        alias), it leaves that one: its alias moves, and so do its listings. A case that listed
        it and is no longer one of ``cases`` stops listing it.
        """
        observable_type, fields = wanted
        alias = observable_stix_id(observable_type, kind, iris_id)
        previous = self.find_observable(previous_id or alias)
        current = self.add_observable(observable_type, fields, description)
        if clear_description and not description and current.get("x_opencti_description"):
            self.patch(PATCH_OBSERVABLE, current["id"], edit("x_opencti_description", [""]))
        wanted_cases = {case["id"] for case in cases}
        if previous is not None:
            moved = previous["id"] != current["id"]
            for case in self.listings(kind, iris_id, previous):
                if moved or case["id"] not in wanted_cases:
                    self.unlist(kind, iris_id, previous, case, keep_alias=case["id"] in wanted_cases)
            if moved:
                self.drop_aliases(kind, iris_id, previous)
        if alias not in (current.get("x_opencti_stix_ids") or []):
            self.patch(PATCH_OBSERVABLE, current["id"], edit("x_opencti_stix_ids", [alias], "add"))
        for case in cases:
            self.list_in_case(kind, iris_id, current["id"], case)
        return current["id"]

    def forget_observable(self, kind, iris_id, observable_types):
        """Take deleted IRIS object ``kind`` number ``iris_id`` out of OpenCTI; the observable itself stays.

        It leaves every incident case that lists it, and its aliases go. A delete hook does not
        say what type the object was: the alias of each of ``observable_types`` is looked up.
        Returns (observable, cases) as found: None and [] when it was never mirrored.
        """
        observable = None
        for observable_type in observable_types:
            observable = self.find_observable(observable_stix_id(observable_type, kind, iris_id))
            if observable is not None:
                break
        if observable is None:
            return None, []
        cases = self.listings(kind, iris_id, observable)
        for case in cases:
            self.unlist(kind, iris_id, observable, case)
        self.drop_aliases(kind, iris_id, observable)
        return observable, cases

    def find_observable(self, some_id):
        """The observable known by ``some_id`` (its id or an alias): its id and aliases, or None."""
        return self.answered_object(FIND_OBSERVABLE, {"id": some_id}, lookup=True)

    def add_observable(self, observable_type, fields, description):
        variables = {
            "type": observable_type,
            "x_opencti_description": description or None,
            "update": True,
            observable_type.replace("-", ""): fields,
        }
        return self.answered_object(ADD_OBSERVABLE, variables)

    def listings(self, kind, iris_id, observable):
        """The incident cases (id and aliases) that list ``observable`` for IRIS object ``kind`` number ``iris_id``."""
        variables = {"id": observable["id"], "first": CASES_READ, "types": ["Case-Incident"]}
        answer = self.answered_object(OBSERVABLE_CASES, variables, lookup=True)
        edges = ((answer or {}).get("containers") or {}).get("edges")
        if answer is not None and not (isinstance(edges, list) and all(valid_node(edge) for edge in edges)):
            raise OpenCTIError(
                f"OpenCTI answered stixCyberObservable.containers with {shown(answer.get('containers'))},"
                " not a list of edges of objects with an id"
            )  # fmt: skip
        cases = [edge["node"] for edge in edges or []]
        mine = str(iris_uuid(kind, iris_id))
        return [case for case in cases if listing_stix_id(mine, case["id"]) in (case.get("x_opencti_stix_ids") or [])]

    def list_in_case(self, kind, iris_id, observable_id, case):
        relation = {"toId": observable_id, "relationship_type": "object"}
        self.call(ADD_TO_CASE, {"id": case["id"], "input": relation})
        listing = listing_stix_id(iris_uuid(kind, iris_id), case["id"])
        if listing not in (case.get("x_opencti_stix_ids") or []):
            self.patch(PATCH_CASE, case["id"], edit("x_opencti_stix_ids", [listing], "add"))

    def unlist(self, kind, iris_id, observable, case, keep_alias=False):
        """Take ``observable`` out of ``case`` for this object, unless another IRIS object of the case is mirrored to it.

        The case's alias for the object goes too, unless ``keep_alias`` (it goes on listing the object's new observable).
        """
        mine = str(iris_uuid(kind, iris_id))
        others = {stix_id.partition("--")[2] for stix_id in observable.get("x_opencti_stix_ids") or []} - {mine}
        listed = case.get("x_opencti_stix_ids") or []
        if not any(listing_stix_id(other, case["id"]) in listed for other in others):
            variables = {"id": case["id"], "toId": observable["id"], "relationship_type": "object"}
            self.call(REMOVE_FROM_CASE, variables)
        if not keep_alias:
            listing = listing_stix_id(mine, case["id"])
            self.patch(PATCH_CASE, case["id"], edit("x_opencti_stix_ids", [listing], "remove"))

    def drop_aliases(self, kind, iris_id, observable):
        aliases = [alias for alias in observable.get("x_opencti_stix_ids") or [] if is_alias_of(alias, kind, iris_id)]
        if aliases:
            self.patch(PATCH_OBSERVABLE, observable["id"], edit("x_opencti_stix_ids", aliases, "remove"))

    def patch(self, document, object_id, edits):
        self.call(document, {"id": object_id, "input": edits})


def edit(key, values, operation="replace"):
    """A fieldPatch input: set, add to or remove from the object's field ``key``."""
    return [{"key": key, "value": values, "operation": operation}]


def valid_node(edge):
    """An edge of a connection as OpenCTI answers it: a node with an id and, if any, a list of aliases."""
    node = edge.get("node") if isinstance(edge, dict) else None
    aliases = node.get("x_opencti_stix_ids") if isinstance(node, dict) else None
    return (
        isinstance(node, dict) and isinstance(node.get("id"), str) and bool(node["id"])
        and (aliases is None or (isinstance(aliases, list) and all(isinstance(alias, str) for alias in aliases)))
    )  # fmt: skip


def describe(error):
    """A GraphQL error as a message shows it: its message, and its code if it has one."""
    if not isinstance(error, dict):
        return str(error)
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return f"{error.get('message')} ({code})" if code else str(error.get("message"))


def shown(value):
    """``value`` as a message quotes it: short, whatever a server sent."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def observable(observable_type, iris_type, value):
    """``(type, fields)`` of the observable an IRIS value makes, checked as OpenCTI checks it.

    IPv4-Addr or IPv6-Addr is chosen from the value, whichever of them is asked. Raises
    ValueError, naming the value and the rule, for a value OpenCTI would refuse.
    """
    value = value.strip()
    if not value:
        raise ValueError(f"the value is empty: OpenCTI refuses an empty {observable_type}")
    _, _, digest_type = iris_type.rpartition("|")
    if digest_type in HASH_ALGORITHMS:
        return "StixFile", file_fields(HASH_ALGORITHMS[digest_type], value)
    if observable_type in IP_TYPES:
        return ip_type(value), {"value": value}
    pattern = NAME_PATTERNS.get(observable_type)
    if pattern is not None and not pattern.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid {observable_type}: OpenCTI takes only letters, digits, hyphens"
            f"{' and underscores' if observable_type == 'Hostname' else ''} in dot-separated names"
            f"{' after a local part and @' if observable_type == 'Email-Addr' else ''} (no spaces, quotes or"
            " other characters; write an international name in its xn-- form)"
        )
    return observable_type, {"value": value}


def ip_type(value):
    try:
        address = ipaddress.ip_interface(value)  # an address, or a network in CIDR notation
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR network: OpenCTI refuses it") from None
    return "IPv4-Addr" if address.version == 4 else "IPv6-Addr"


def file_fields(algorithm, value):
    """A file's hash, and its name for composite types such as ``filename|sha256``."""
    name, _, digest = value.rpartition("|")
    digest = digest.strip()
    if len(digest) != HEX_LENGTHS[algorithm] or not all(char in "0123456789abcdefABCDEF" for char in digest):
        raise ValueError(f"{digest!r} is not a {algorithm} hash: OpenCTI takes {HEX_LENGTHS[algorithm]} hex digits")
    fields = {"hashes": [{"algorithm": algorithm, "hash": digest}]}
    if name.strip():
        fields["name"] = name.strip()
    return fields
