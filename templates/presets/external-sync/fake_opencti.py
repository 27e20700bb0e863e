"""A fake OpenCTI: the GraphQL operations the module's client sends, answered as OpenCTI answers them.

Built from OpenCTI's source (6.9.28; paths under opencti-platform/opencti-graphql/src/), and as
strict as it where the module could go wrong:
- the ``id`` it returns is an internal UUID, never the STIX id the client sent; a STIX id the
  client gives is kept as an alias (``x_opencti_stix_ids``) and finds the object
  (database/data-builder.js buildEntityData; domain/attribute-utils.ts, database/engine.ts);
- observables are one per value: a create whose value exists returns the existing observable
  and adds the STIX id to its aliases; a create that names one observable by its alias and
  another by its value merges them, and one that names an observable by its alias with another
  value renames it for everyone (schema/identifier.js, database/middleware.ts) - ``renamed``
  and ``merged`` record it;
- values are checked as utils/syntax.js checkObservableSyntax does, StixId and StixRef values as
  graphql/schema.js validateStixId / validateStixRef do, ``@constraint`` rules of the inputs
  the client uses as the schema states them;
- a lookup query answers null for an unknown id; an edit of an unknown object fails with the
  resolver's own message; a user without a capability gets FORBIDDEN_ACCESS
  (config/errors.js ForbiddenAccess; the ``@auth`` of each field in the schema);
- an upsert leaves out empty values (utils/upsert-utils.js, isInputWithData).

It understands only documents whose arguments are all variables, as the client writes them;
anything else is answered with an error naming what it does not know. The template's own
tests check each document and variables set against OpenCTI's real schema.

Scripted misbehaviour, not OpenCTI's own: ``fake.scripted`` holds (HTTP status, body text) pairs,
each sent in turn instead of the answer to the next request over HTTP - what a proxy, a login
page or another version may send, for the module's checks of answers.

Run it as a local OpenCTI stand-in (for IRIS's end-to-end tests):
    python tests/fake_opencti.py --port 8088 --token <token>
GET /fake/state answers the objects it holds (fake only). With FAKE_OPENCTI_RECORD set to a file
path, every request it gets over HTTP is appended to that file as a JSON line: the template's own
tests check each against OpenCTI's schema.
"""
# TODO: porting to another platform (AGENTS.md, "Porting to another service"): a fake of it in place of this
# one, as strict as it where the client could go wrong; then delete this file.

import argparse
import ipaddress
import json
import os
import re
import string
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# STIX 2.1's namespace for the ids of cyber observables, from their contributing properties.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
OBSERVABLE_TYPES = ("IPv4-Addr", "IPv6-Addr", "Domain-Name", "Hostname", "Url", "Email-Addr", "StixFile")
# The types a STIX id may name (schema/identifier.js isSupportedStixType, for what the module uses).
STIX_TYPES = {"case-incident", "domain-name", "hostname", "ipv4-addr", "ipv6-addr", "url", "email-addr", "file",
              "indicator", "report", "relationship", "identity"}  # fmt: skip
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE)

# utils/syntax.js checkObservableSyntax, rule by rule (written here from its rules, not its text):
# a domain name's labels take letters, digits and inner hyphens, a host name's inner underscores
# too; IPv4 is four dot-separated groups of 1-3 digits (999 passes), with an optional /0-32 prefix;
# IPv6 as RFC 4291 writes it, with an optional /0-128 prefix; an email address is a local part of
# the usual characters, @, and labels of at most 63 characters.
DOMAIN_LABEL = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?")
HOSTNAME_LABEL = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?")
EMAIL_LOCAL = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`|~-]+")
EMAIL_LABEL = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
IPV4 = re.compile(r"([0-9]{1,3}[.]){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?")
HASHES = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-512": 128}

# The capability each field needs (its @auth in the schema); None: any user with a valid token.
CAPABILITIES = {
    "stixCyberObservable": "KNOWLEDGE", "caseIncident": "KNOWLEDGE",
    "stixCyberObservableAdd": "KNOWLEDGE_KNUPDATE", "caseIncidentAdd": None,
    "stixCyberObservableEdit": None, "stixDomainObjectEdit": None,
    "fieldPatch": "KNOWLEDGE_KNUPDATE", "relationAdd": "KNOWLEDGE_KNUPDATE", "relationDelete": "KNOWLEDGE_KNUPDATE",
    "delete": "KNOWLEDGE_KNUPDATE_KNDELETE",
}  # fmt: skip
ALL_CAPABILITIES = frozenset(capability for capability in CAPABILITIES.values() if capability)

# `query|mutation Name(...) { root(args) { sub(args) { fields } } }`, arguments all variables.
OPERATION = re.compile(
    r"\s*(query|mutation)\s+\w+\s*(?:\([^)]*\))?\s*[{]\s*(\w+)\s*(?:\(([^)]*)\))?\s*[{](.*)[}]\s*[}]\s*$", re.S
)
CALL = re.compile(r"\s*(\w+)\s*(?:\(([^)]*)\))?\s*(?:[{]([^{}]*)[}])?\s*$", re.S)
CONTAINERS = re.compile(
    r"\s*([\w\s]*?)\s*containers\s*\(([^)]*)\)\s*[{]\s*edges\s*[{]\s*node\s*[{]([^{}]*)[}]\s*[}]\s*[}]\s*", re.S
)
ARGUMENT = re.compile(r"(\w+)\s*:\s*(\S+?)\s*(?:,|$)")


class GraphQLError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class FakeOpenCTI:
    def __init__(self, token="opencti-token", capabilities=ALL_CAPABILITIES):
        self.token = token
        self.capabilities = set(capabilities)
        self.objects = {}  # internal id -> object
        self.requests = []  # every JSON body received
        self.refused = []  # (observable type, value, reason) that OpenCTI refused
        self.renamed = []  # (internal id, old value, new value): a shared observable renamed
        self.merged = []  # (kept internal id, merged internal id)
        self.scripted = []  # (status, body text) to send instead of the next answers over HTTP

    # Looking objects up as OpenCTI does: by internal id, standard id or any alias.
    def load(self, some_id, types=None):
        for obj in self.objects.values():
            if some_id in (obj["id"], obj["standard_id"], *obj["x_opencti_stix_ids"]):
                if types is None or obj["entity_type"] in types:
                    return obj
        return None

    def observables(self):
        return [obj for obj in self.objects.values() if obj["entity_type"] in OBSERVABLE_TYPES]

    def cases(self):
        return [obj for obj in self.objects.values() if obj["entity_type"] == "Case-Incident"]

    # The HTTP side: POST /graphql with {"query", "variables"}, Authorization: Bearer <token>.
    def answer(self, body, authorization):
        self.requests.append(body)
        try:
            if authorization != f"Bearer {self.token}":
                raise GraphQLError("You must be logged in to do this.", "AUTH_REQUIRED")
            root, data = self.execute(body["query"], body.get("variables") or {})
        except GraphQLError as error:
            return {"errors": [{"message": str(error), "extensions": {"code": error.code}}], "data": None}
        return {"data": {root: data}}

    def execute(self, query, variables):
        match = OPERATION.match(query)
        if match is None:
            raise GraphQLError("The fake understands only `query|mutation Name(...) { field(...) { ... } }`", "FAKE")
        _, root, root_args, rest = match.groups()
        args = bind(root_args, variables)
        self.check_capability(root)
        if root in ("stixCyberObservableEdit", "stixDomainObjectEdit"):
            sub = CALL.match(rest)
            if sub is None:
                raise GraphQLError(f"The fake does not know this {root} call", "FAKE")
            name, sub_args, fields = sub.groups()
            self.check_capability(name)
            result = self.edit(root, args["id"], name, bind(sub_args, variables))
            return root, {name: project(result, fields)}
        handler = {
            "stixCyberObservable": self.find_observable,
            "caseIncident": self.find_case,
            "stixCyberObservableAdd": self.add_observable,
            "caseIncidentAdd": self.add_case,
        }.get(root)
        if handler is None:
            raise GraphQLError(f"The fake does not know {root}", "FAKE")
        if root == "stixCyberObservable" and "containers" in rest:
            return root, self.observable_containers(args, rest, variables)
        if "{" in rest:
            raise GraphQLError(f"The fake answers flat selections of {root} only", "FAKE")
        return root, project(handler(**args), rest)

    def observable_containers(self, args, selection, variables):
        """``stixCyberObservable(id) { fields containers(first, entityTypes) { edges { node { fields } } } }``: the
        containers that list the observable (its ``object`` refs), of the types asked, the first ``first`` of them."""
        match = CONTAINERS.fullmatch(selection)
        if match is None:
            raise GraphQLError("The fake answers `containers(...) { edges { node { fields } } }` only", "FAKE")
        fields, container_args, node_fields = match.groups()
        observable = self.find_observable(**args)
        if observable is None:
            return None
        bound = bind(container_args, variables)
        types = bound.get("entityTypes")
        found = [self.objects[some_id] for some_id in sorted(observable["containers"])]
        found = [obj for obj in found if types is None or obj["entity_type"] in types][: bound.get("first")]
        answer = project(observable, fields)
        answer["containers"] = {"edges": [{"node": project(obj, node_fields)} for obj in found]}
        return answer

    def check_capability(self, field):
        needed = CAPABILITIES.get(field)
        if needed and needed not in self.capabilities:
            raise GraphQLError("You are not allowed to do this.", "FORBIDDEN_ACCESS")

    # Queries: null for an unknown id.
    def find_observable(self, id):
        return self.load(id, OBSERVABLE_TYPES)

    def find_case(self, id):
        return self.load(id, ("Case-Incident",))

    # Creating, or upserting what exists.
    def add_observable(self, type, update=False, x_opencti_description=None, stix_id=None, **inputs):
        if type not in OBSERVABLE_TYPES:
            raise GraphQLError(f"The fake does not know the observable type {type}", "FAKE")
        fields = inputs.get(type.replace("-", ""))
        if not fields:
            raise GraphQLError(f"Expecting variable for type {type}", "FUNCTIONAL_ERROR")
        check_stix_id(stix_id)
        fields = dict(fields)
        if type == "StixFile":
            fields["hashes"] = {entry["algorithm"]: entry["hash"] for entry in fields.get("hashes") or []}
            for entry in inputs[type.replace("-", "")].get("hashes") or []:  # HashInput's @constraint
                check_length("HashInput.algorithm", entry["algorithm"], 3)
                check_length("HashInput.hash", entry["hash"], 5)
        reason = syntax_problem(type, fields)
        if reason:
            self.refused.append((type, fields.get("value", fields.get("hashes")), reason))
            raise GraphQLError("Observable is not correctly formatted", "FUNCTIONAL_ERROR")
        standard_id = observable_standard_id(type, fields)
        by_value = self.load(standard_id, (type,))
        by_alias = self.load(stix_id, (type,)) if stix_id else None
        if by_alias and by_value and by_alias is not by_value:  # both become the one of the value
            self.merged.append((by_value["id"], by_alias["id"]))
            by_value["x_opencti_stix_ids"] += [by_alias["standard_id"], *by_alias["x_opencti_stix_ids"]]
            for container in by_alias["containers"]:
                self.objects[container]["objects"].discard(by_alias["id"])
                self.objects[container]["objects"].add(by_value["id"])
            by_value["containers"] |= by_alias["containers"]
            del self.objects[by_alias["id"]]
            by_alias = None
        found = by_alias or by_value
        if found is None:
            found = self.new(type, standard_id, fields, description=x_opencti_description)
        elif found["standard_id"] != standard_id:
            self.renamed.append((found["id"], observable_value(found), observable_value({**found, **fields})))
            found.update(fields, standard_id=standard_id)
        if filled(x_opencti_description):
            found["x_opencti_description"] = x_opencti_description
        add_alias(found, stix_id)
        return found

    def add_case(self, input):
        check_stix_id(input.get("stix_id"))
        name = input.get("name")
        check_length("CaseIncidentAddInput.name", name, 2)
        if not name.strip():  # @constraint(format: "not-blank") from 6.x
            raise GraphQLError('Variable "$input" got invalid value: must not be blank', "BAD_USER_INPUT")
        found = self.load(input["stix_id"], ("Case-Incident",)) if input.get("stix_id") else None
        if found is None:
            # Its standard id comes from its name and creation time: never the same twice.
            found = self.new("Case-Incident", f"case-incident--{uuid.uuid4()}", {"name": name},
                             description=input.get("description"))  # fmt: skip
        else:
            found["name"] = name
            if filled(input.get("description")):
                found["description"] = input["description"]
        add_alias(found, input.get("stix_id"))
        return found

    def new(self, entity_type, standard_id, fields, description=None):
        internal_id = str(uuid.uuid4())
        field = "description" if entity_type == "Case-Incident" else "x_opencti_description"
        obj = {"id": internal_id, "entity_type": entity_type, "standard_id": standard_id, "x_opencti_stix_ids": [],
               field: description, "objects": set(), "containers": set(), **fields}  # fmt: skip
        self.objects[internal_id] = obj
        return obj

    # Edits: stixDomainObjectEdit / stixCyberObservableEdit(id) { ... }
    def edit(self, root, some_id, operation, args):
        types = OBSERVABLE_TYPES if root == "stixCyberObservableEdit" else ("Case-Incident",)
        obj = self.load(some_id, types)
        if obj is None:
            if root == "stixCyberObservableEdit":  # domain/stixCyberObservable.js: sco.entity_type on undefined
                raise GraphQLError(
                    "Cannot read properties of undefined (reading 'entity_type')", "INTERNAL_SERVER_ERROR"
                )
            verb = {"delete": "delete the object", "fieldPatch": "edit the object"}.get(operation, "add the relation")
            if operation == "relationDelete":
                verb = "delete the relation"
            raise GraphQLError(f"Cannot {verb}, Stix-Domain-Object cannot be found.", "FUNCTIONAL_ERROR")
        if operation == "delete":
            del self.objects[obj["id"]]
            for other in self.objects.values():
                other["containers"].discard(obj["id"])
                other["objects"].discard(obj["id"])
            return obj["id"]
        if operation == "fieldPatch":
            for patch in args["input"]:
                apply_patch(obj, patch)
            return obj
        if operation in ("relationAdd", "relationDelete"):
            to_id = args["input"]["toId"] if operation == "relationAdd" else args["toId"]
            kind = args["input"]["relationship_type"] if operation == "relationAdd" else args.get("relationship_type")
            check_stix_ref(to_id)
            target = self.load(to_id)
            if kind != "object" or target is None:
                raise GraphQLError(f"The fake supports {operation} of an existing object's 'object' ref only", "FAKE")
            if operation == "relationAdd":
                obj["objects"].add(target["id"])
                target["containers"].add(obj["id"])
                return {"id": str(uuid.uuid4())}
            obj["objects"].discard(target["id"])
            target["containers"].discard(obj["id"])
            return obj
        raise GraphQLError(f"The fake does not know {operation} in {root}", "FAKE")

    def state(self):
        return [{key: sorted(value) if isinstance(value, set) else value for key, value in obj.items()}
                for obj in self.objects.values()]  # fmt: skip


def bind(arguments, variables):
    """The field's arguments, each read from the variable it names."""
    bound = {}
    for name, value in ARGUMENT.findall(arguments or ""):
        if not value.startswith("$"):
            raise GraphQLError(f"The fake takes variables only; argument {name} is {value}", "FAKE")
        bound[name] = variables.get(value[1:])
    return {name: value for name, value in bound.items() if value is not None}


def project(result, fields):
    """What a GraphQL server answers: only the fields asked for."""
    if not isinstance(result, dict):
        return result
    names = (fields or "").split()
    return {name: sorted(result[name]) if isinstance(result.get(name), set) else result.get(name) for name in names}


def filled(value):
    """upsert-utils.js isInputWithData: an empty value does not change what is there."""
    return bool(value.strip()) if isinstance(value, str) else value is not None


def add_alias(obj, stix_id):
    if stix_id and stix_id.lower() != obj["standard_id"] and stix_id.lower() not in obj["x_opencti_stix_ids"]:
        obj["x_opencti_stix_ids"].append(stix_id.lower())


def apply_patch(obj, patch):
    key, values, operation = patch["key"], patch["value"], patch.get("operation") or "replace"
    if key == "x_opencti_stix_ids":
        for value in values:
            check_stix_id(value)
        current = obj["x_opencti_stix_ids"]
        if operation == "add":
            obj[key] = current + [value for value in values if value not in current]
        elif operation == "remove":
            obj[key] = [value for value in current if value not in values]
        else:
            obj[key] = list(values)
    elif key in ("description", "x_opencti_description", "name") and operation == "replace":
        obj[key] = values[0] if values else None
    else:
        raise GraphQLError(f"The fake does not patch {key} with {operation}", "FAKE")


def check_stix_id(stix_id):
    """graphql/schema.js validateStixId."""
    if stix_id is None:
        return
    if "--" not in stix_id:
        raise GraphQLError(f"Provided value {stix_id} is not a valid STIX ID", "BAD_USER_INPUT")
    stix_type, _, rest = stix_id.partition("--")
    if stix_type not in STIX_TYPES:
        raise GraphQLError(f"Provided value {stix_id} is not a valid STIX ID (type {stix_type} not supported)",
                           "BAD_USER_INPUT")  # fmt: skip
    if not UUID.fullmatch(rest.split("--")[0]):
        raise GraphQLError(f"Provided value {stix_id} is not a valid STIX ID (UUID not valid)", "BAD_USER_INPUT")


def check_stix_ref(stix_ref):
    """graphql/schema.js validateStixRef: a STIX id or an internal UUID."""
    if "--" in stix_ref:
        check_stix_id(stix_ref)
    elif not UUID.fullmatch(stix_ref):
        raise GraphQLError("Provided value is not a valid STIX Reference", "BAD_USER_INPUT")


def check_length(field, value, minimum):
    if not isinstance(value, str) or len(value) < minimum:
        raise GraphQLError(f"{field}: must be at least {minimum} characters long", "BAD_USER_INPUT")


def syntax_problem(observable_type, fields):
    """utils/syntax.js checkObservableSyntax: what is wrong with the value, or None."""
    value = fields.get("value") or ""
    checks = {
        "Domain-Name": lambda: labels_match(value, DOMAIN_LABEL),
        "Hostname": lambda: labels_match(value, HOSTNAME_LABEL),
        "Email-Addr": lambda: is_email(value),
        "IPv4-Addr": lambda: bool(IPV4.fullmatch(value)),
        "IPv6-Addr": lambda: is_ipv6(value),
    }
    if observable_type in checks and not checks[observable_type]():
        return f"Valid {observable_type}"
    for algorithm, digest in (fields.get("hashes") or {}).items():
        length = HASHES.get(algorithm)
        if length and not (len(digest) == length and all(char in string.hexdigits for char in digest)):
            return f"Valid {algorithm} hash"
    return None


def labels_match(value, label):
    return all(label.fullmatch(part) for part in value.split("."))


def is_email(value):
    local, at, domain = value.rpartition("@")
    return bool(at and EMAIL_LOCAL.fullmatch(local) and labels_match(domain, EMAIL_LABEL))


def is_ipv6(value):
    address, _, prefix = value.partition("/")
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return not prefix or (prefix.isdigit() and int(prefix) <= 128)


def observable_standard_id(observable_type, fields):
    """schema/identifier.js: from ``value``; for a file from its hashes, else its name."""
    if observable_type == "StixFile":
        hashes = fields.get("hashes") or {}
        contributing = {"hashes": hashes} if hashes else {"name": fields.get("name")}
    else:
        contributing = {"value": fields["value"]}
    canonical = json.dumps(contributing, sort_keys=True, separators=(",", ":"))
    stix_type = "file" if observable_type == "StixFile" else observable_type.lower()
    return f"{stix_type}--{uuid.uuid5(SCO_NAMESPACE, canonical)}"


def observable_value(obj):
    if obj["entity_type"] == "StixFile":
        hashes = obj.get("hashes") or {}
        return obj.get("name") or next(iter(hashes.values()), None)
    return obj.get("value")


def serve(fake, port=0):
    """An HTTP server on 127.0.0.1 that answers as ``fake``; start it with serve_forever()."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path != "/graphql":
                return self.send(404, {"error": "not found"})
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
            with lock:
                if record:
                    with open(record, "a", encoding="utf-8") as log:
                        log.write(json.dumps(body) + "\n")
                if fake.scripted:
                    fake.requests.append(body)
                    return self.send_text(*fake.scripted.pop(0))
                self.send(200, fake.answer(body, self.headers.get("Authorization")))

        def do_GET(self):
            if self.path != "/fake/state":
                return self.send(404, {"error": "not found"})
            with lock:
                self.send(200, fake.state())

        def send(self, status, body):
            self.send_text(status, json.dumps(body))

        def send_text(self, status, text):
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output quiet
            pass

    lock = threading.Lock()
    record = os.environ.get("FAKE_OPENCTI_RECORD")
    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


class Running:
    """``with Running(fake) as url:`` - the fake served on a free port of 127.0.0.1 meanwhile."""

    def __init__(self, fake):
        self.server = serve(fake)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description="A fake OpenCTI on 127.0.0.1, for tests.")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--token", default="opencti-token", help="the API token it accepts")
    args = parser.parse_args()
    server = serve(FakeOpenCTI(token=args.token), args.port)
    print(f"Fake OpenCTI on http://127.0.0.1:{server.server_port}/graphql", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
