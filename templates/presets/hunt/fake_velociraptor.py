"""A fake Velociraptor API server: pyvelociraptor's own gRPC service, over mutual TLS, on 127.0.0.1.

    with FakeVelociraptor() as server:
        server.add_client("C.1", "WKS-001", b"the content of a file on WKS-001")
        api_config = server.api_config()  # the api.config.yaml `velociraptor config api_client` writes
        ...  # hunts started through api_config find the files whose hashes they name

The wire format is the real one (pyvelociraptor's generated api_pb2 / api_pb2_grpc), and
so is the TLS: a CA, a server certificate issued to the pinned server name, a client
certificate whose common name is the API client's name. It answers as Velociraptor's
server does (source read: Velocidex/velociraptor at cd02ac6, vfilter at f8fe490):
errors are log lines streamed to the caller, rows come in parts of ``max_row``, ACLs are
checked per API client. It understands the VQL a hunt module sends (hunt(), hunts(),
hunt_results(), SELECT ... WHERE a = b GROUP BY, enumerate(), dict(), now()) and answers
anything else with the log line a parse error gives. Hunts run the two hash artifacts on its fake clients' files.

Scripted misbehaviour: ``server.delay`` (seconds before each answer: a slow server),
``server.drop_polls`` (the next hunt_results queries break after their first part, as a
dropped connection does), ``server.permissions[name]`` (take START_HUNT away and hunt()
is refused: null, and the reason as a log line), ``server.rewrite`` (a function of a
query's VQL and the JSON text of a part of its rows, returning the text sent instead: a
server that answers in a shape Velociraptor does not, for the module's checks of answers).

Standalone, as the Velociraptor a real IRIS talks to:

    python tests/fake_velociraptor.py --port 8001 --config-out api.config.yaml --seen WKS-001=evil
"""
# TODO: porting to another EDR (AGENTS.md, "Porting to another service"): a fake of its API in place of this
# one, answering as it does; then delete this file and tests/test_fake_velociraptor.py.

import argparse
import csv
import datetime
import hashlib
import io
import json
import re
import signal
import threading
import time
import uuid
from concurrent import futures
from dataclasses import dataclass

import grpc
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyvelociraptor import api_pb2, api_pb2_grpc

# The name the server's certificate is issued to and clients pin (constants/constants.go:184).
PINNED_SERVER_NAME = "VelociraptorServer"
# The investigator role (acls/roles.go:238-245).
INVESTIGATOR = frozenset({"READ_RESULTS", "COLLECT_CLIENT", "START_HUNT", "ANY_QUERY"})
ROOT_ORG = "root"  # "" and "root" are the root org (utils/orgs.go:43-52)


# --- Certificates, as `velociraptor config generate` and `config api_client` make them ---


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)  # crypto/ca.go:118


def _key_pem(key):
    # PKCS#1 "RSA PRIVATE KEY", as crypto/ca.go writes it.
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Velociraptor"),
        ]
    )


def _certificate(common_name, key, issuer, issuer_key, is_ca=False):
    """A certificate as crypto/ca.go GenerateServerCert issues it: the name in CN and in DNSNames."""
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


class Certificates:
    """A throwaway CA, the server's certificate, and one client certificate per API client name."""

    def __init__(self):
        self._ca_key = _new_key()
        self.ca_certificate = _certificate(
            "Velociraptor CA", self._ca_key, _name("Velociraptor CA"), self._ca_key, True
        )
        self._issued = {}

    def issue(self, common_name):
        """(private key PEM, certificate PEM) for ``common_name``, signed by the CA; made once per name."""
        if common_name not in self._issued:
            key = _new_key()
            self._issued[common_name] = (
                _key_pem(key),
                _certificate(common_name, key, _name("Velociraptor CA"), self._ca_key),
            )
        return self._issued[common_name]


# --- The artifacts hunts run, as their definitions in artifacts/definitions/ say ---


def _file_row_hashes(content):
    return {
        "MD5": hashlib.md5(content).hexdigest(),
        "SHA1": hashlib.sha1(content).hexdigest(),
        "SHA256": hashlib.sha256(content).hexdigest(),
    }


def hash_hunter(parameters, files):
    """Generic.Detection.HashHunter: lists split on whitespace, compared exactly to lowercase hex hashes."""
    wanted = {}
    for kind in ("MD5", "SHA1", "SHA256"):
        text = parameters.get(f"{kind}List") or ""
        if text:  # `if(condition=MD5List, then=split(sep='\\s+', string=MD5List), else=Null)`
            wanted[kind] = re.split(r"\s+", text)
    rows = []
    for path, content in files:
        if not _glob_matches(parameters.get("TargetGlob") or "C:/Users/**/*", path):
            continue
        hashed = {kind: value for kind, value in _file_row_hashes(content).items() if kind in wanted}
        if any(hashed[kind] in wanted[kind] for kind in hashed):
            name = path.rsplit("/", 1)[-1]
            rows.append({"OSPath": path, "Name": name, "Size": len(content), "Timestamps": {}, "Hash": hashed})
    return rows


def _glob_matches(pattern, path):
    """Velociraptor's glob, as far as paths go: `**` crosses folders, `*` does not."""
    expression = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.fullmatch(expression, path, re.IGNORECASE) is not None


def local_hashes(parameters, files):
    """Generic.Forensic.LocalHashes.Query: the Hashes CSV (and CommaDelimitedHashes) against each file's MD5."""
    wanted = set()
    for record in csv.DictReader(io.StringIO(parameters.get("Hashes") or "Hash\nXXX\n")):
        wanted.add(str(record.get("Hash") or "").strip().lower())  # lowcase(string=strip(string=Hash))
    for value in (parameters.get("CommaDelimitedHashes") or "").split(","):
        wanted.add(value.strip().lower())
    rows = []
    for path, content in files:
        md5 = hashlib.md5(content).hexdigest()
        if md5 in wanted:  # SELECT ... FROM hashes WHERE md5 = ?
            rows.append({"Path": path, "MD5": md5, "Size": len(content), "Timestamp": "2024-01-01T00:00:00Z"})
    return rows


# Name -> (its parameters, what a client returns for them). Parameters a spec gives that
# the artifact does not declare are ignored, as collector.go AddSpecProtobuf does.
ARTIFACTS = {
    "Generic.Detection.HashHunter": (
        ("TargetGlob", "Accessor", "DateAfter", "DateBefore", "SizeMax", "SizeMin", "MD5List", "SHA1List",
         "SHA256List"),
        hash_hunter,
    ),
    "Generic.Forensic.LocalHashes.Query": (("Hashes", "CommaDelimitedHashes", "HashDb"), local_hashes),
}  # fmt: skip


@dataclass
class Client:
    client_id: str
    fqdn: str
    files: list  # (path, content)
    org: str = ROOT_ORG
    answers_after: int = 0  # its rows show from this many hunt_results polls on


@dataclass
class Hunt:
    hunt_id: str
    org: str
    description: str
    artifacts: list
    parameters: dict  # artifact -> {parameter: value}
    expires: int  # microseconds since 1970, as Velociraptor keeps it (create.go:97-103)
    create_time: int  # microseconds since 1970 (hunt_dispatcher.go:308)
    creator: str
    state: str = "RUNNING"  # set STOPPED by the GUI, or by the master's expiry check some time after `expires`
    polls: int = 0  # hunt_results queries so far

    def row(self, summary):
        """The row hunts() gives for it: the api_proto.Hunt as json.ConvertProtoToOrderedDict writes it
        (json/protobuf.go): every field under its proto name, in the proto's order, enums as their names."""
        request = {} if summary else {"artifacts": self.artifacts, "specs": self.parameters}
        return {
            "hunt_id": self.hunt_id, "version": 0, "create_time": self.create_time, "creator": self.creator,
            "start_time": self.create_time, "expires": self.expires, "hunt_description": self.description,
            "tags": [], "start_request": request, "condition": {}, "client_limit": 0, "stats": {},
            "artifacts": self.artifacts, "artifact_sources": self.artifacts, "state": self.state,
            "org_ids": [self.org],
        }  # fmt: skip


# --- A little VQL: the statements a hunt module sends, parsed as vfilter parses them ---

TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+)|(?P<ident>[A-Za-z_][A-Za-z0-9_.]*)|(?P<quoted>`[^`]*`)"
    r"|(?P<string>'[^']*'|\"[^\"]*\")|(?P<op>[()\[\],=+*]))"
)


class VQLError(Exception):
    pass


def tokenize(text):
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise VQLError(f"unexpected {text[position : position + 10]!r} at {position}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "quoted":
            kind, value = "ident", value[1:-1]
        elif kind == "string":
            value = value[1:-1]
        tokens.append((kind, value))
        position = match.end()
    return tokens


class Parser:
    """SELECT items FROM plugin(args) [WHERE expr = expr] [GROUP BY expr]; items are `*` or expr [AS name]."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self, value=None):
        if self.position >= len(self.tokens):
            return None
        kind, text = self.tokens[self.position]
        if value is None or text.upper() == value.upper():
            return kind, text
        return None

    def take(self, value=None):
        token = self.peek(value)
        if token is None:
            found = self.tokens[self.position][1] if self.position < len(self.tokens) else "the end"
            raise VQLError(f"expected {value or 'more'}, found {found!r}")
        self.position += 1
        return token

    def select(self):
        self.take("SELECT")
        items = []
        if self.peek("*"):
            self.take("*")
            items = "*"
        else:
            while True:
                expression = self.expression()
                name = _default_name(expression)
                if self.peek("AS"):
                    self.take("AS")
                    name = self.take()[1]
                items.append((name, expression))
                if not self.peek(","):
                    break
                self.take(",")
        self.take("FROM")
        plugin = self.primary()
        if plugin[0] != "call":
            raise VQLError("FROM takes a plugin call")
        where = None
        if self.peek("WHERE"):
            self.take("WHERE")
            left = self.expression()
            self.take("=")
            where = ("equals", left, self.expression())
        group_by = None
        if self.peek("GROUP"):
            self.take("GROUP")
            self.take("BY")
            group_by = self.expression()
        if self.position != len(self.tokens):
            raise VQLError(f"unexpected {self.tokens[self.position][1]!r}")
        return items, plugin, where, group_by

    def expression(self):
        left = self.primary()
        while self.peek("+"):
            self.take("+")
            left = ("add", left, self.primary())
        return left

    def primary(self):
        kind, text = self.take()
        if kind == "number":
            return ("value", int(text))
        if kind == "string":
            return ("value", text)
        if text == "[":
            values = []
            while not self.peek("]"):
                values.append(self.expression())
                if self.peek(","):
                    self.take(",")
            self.take("]")
            return ("list", values)
        if kind != "ident":
            raise VQLError(f"unexpected {text!r}")
        if not self.peek("("):
            if text.upper() in ("TRUE", "FALSE"):  # vfilter's boolean literals
                return ("value", text.upper() == "TRUE")
            return ("symbol", text)
        self.take("(")
        arguments = []
        while not self.peek(")"):
            name = self.take()[1]
            self.take("=")
            arguments.append((name, self.expression()))
            if self.peek(","):
                self.take(",")
        self.take(")")
        return ("call", text, arguments)


def _default_name(expression):
    return expression[1] if expression[0] == "symbol" else "_"


# --- The server ---


class FakeVelociraptor(api_pb2_grpc.APIServicer):
    def __init__(self, port=0, server_name=PINNED_SERVER_NAME, orgs=(ROOT_ORG,), certificates=None):
        self.certificates = certificates or Certificates()  # a CA can be shared: making keys takes time
        self.orgs = set(orgs) | {ROOT_ORG}
        self.permissions = {}  # API client name -> its permissions
        self.clients = []
        self.hunts = {}  # hunt id -> Hunt
        self.requests = []  # every VQLCollectorArgs received, with the caller: (name, request)
        self.sent = []  # every VQLResponse sent
        self.delay = 0.0  # seconds before each answer
        self.drop_polls = 0  # hunt_results queries still to break after their first part
        self.rewrite = None  # (VQL, rows as JSON text) -> the text sent instead
        self._lock = threading.Lock()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        api_pb2_grpc.add_APIServicer_to_server(self, self._server)
        server_key, server_certificate = self.certificates.issue(server_name)
        credentials = grpc.ssl_server_credentials(
            [(server_key.encode(), server_certificate.encode())],
            root_certificates=self.certificates.ca_certificate.encode(),
            require_client_auth=True,  # the API only accepts clients with a certificate of its CA
        )
        self.port = self._server.add_secure_port(f"127.0.0.1:{port}", credentials)
        self.address = f"127.0.0.1:{self.port}"

    def __enter__(self):
        self._server.start()
        return self

    def __exit__(self, *exc):
        self._server.stop(grace=None)

    def api_config(self, name="dfir-iris", permissions=INVESTIGATOR):
        """The api.config.yaml `velociraptor config api_client --name NAME` writes (bin/config.go:447-465)."""
        key, certificate = self.certificates.issue(name)
        self.permissions[name] = set(permissions)
        config = {
            "ca_certificate": self.certificates.ca_certificate,
            "client_cert": certificate,
            "client_private_key": key,
            "api_connection_string": self.address,
            "name": name,
        }
        return yaml.safe_dump(config, sort_keys=False)

    def add_client(self, client_id, fqdn, *contents, org=ROOT_ORG, answers_after=0):
        """A client whose files hold ``contents``; its hunt rows show after ``answers_after`` polls."""
        files = [(f"C:/Users/user/file{index}.exe", content) for index, content in enumerate(contents)]
        self.clients.append(Client(client_id, fqdn, files, org, answers_after))

    # proto.API/Query (api/api.go:902-955, then api/query.go streamQuery)
    def Query(self, request, context):
        principal = context.auth_context()["x509_common_name"][0].decode()
        self.requests.append((principal, request))
        org = ROOT_ORG if request.org_id in ("", ROOT_ORG) else request.org_id
        if org not in self.orgs:
            context.abort(grpc.StatusCode.UNAVAILABLE, "Org not found")  # services/orgs.go:23, api/status.go
        permissions = self.permissions.get(principal, set())
        if "ANY_QUERY" not in permissions:
            context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"Permission denied: User {principal} requires permission ANY_QUERY to run queries",
            )
        self._wait(context)
        for response in self._stream(request, principal, org, permissions):
            self.sent.append(response)
            yield response
            if response.Response and response.Query.VQL and "hunt_results" in response.Query.VQL:
                with self._lock:
                    drop, self.drop_polls = self.drop_polls > 0, max(0, self.drop_polls - 1)
                if drop:
                    context.abort(grpc.StatusCode.UNAVAILABLE, "Socket closed")

    def _wait(self, context):
        deadline = time.monotonic() + self.delay
        while time.monotonic() < deadline and context.is_active():
            time.sleep(0.01)

    def _stream(self, request, principal, org, permissions):
        logs = []
        scope = Scope(self, principal, org, permissions, {env.key: env.value for env in request.env}, logs.append)
        yield _log("Starting query execution.")
        if not request.Query:
            return
        for query in request.Query:
            started = time.monotonic()
            try:
                rows = scope.run(query.VQL)
            except VQLError as error:
                yield from (_log(line) for line in logs)
                yield _log(f"VQL Error: {error}.")
                return
            yield from (_log(line) for line in logs)
            logs.clear()
            for part, payload in enumerate(_parts(rows, request.max_row)):
                seconds = int(time.monotonic() - started)
                text = json.dumps(payload)
                if self.rewrite:
                    text = self.rewrite(query.VQL, text)
                yield _log(
                    f"Time {seconds}: {query.Name}: Sending response part {part} {len(text)} B ({len(payload)} rows)."
                )
                yield api_pb2.VQLResponse(
                    Response=text,
                    Columns=list(payload[0]) if payload else [],
                    Query=query,
                    part=part,
                    timestamp=_now_us(),
                )


def _log(line):
    # api/query.go logWriter: a response with only `log` set; the text ends as Go's log.Logger ends it.
    return api_pb2.VQLResponse(log=line + "\n", timestamp=_now_us())


def _now_us():
    return int(time.time() * 1_000_000)


def _parts(rows, max_row):
    """Rows as vfilter's GetResponseChannel ships them (api.go:22-102): a full part is sent
    when the next row arrives, and the rest at the end, even when that is no rows."""
    parts, current = [], []
    for row in rows:
        if len(current) >= max_row:
            parts.append(current)
            current = []
        current.append(row)
    parts.append(current)
    return parts


class Scope:
    """One query's scope: the env variables, the caller's permissions, and its log."""

    def __init__(self, server, principal, org, permissions, env, log):
        self.server, self.principal, self.org, self.permissions = server, principal, org, permissions
        self.env, self.log = env, log

    def run(self, vql):
        items, plugin, where, group_by = Parser(vql).select()
        rows = list(self.plugin(plugin))
        if where is not None:
            _, left, right = where
            rows = [row for row in rows if self.eval(left, row) == self.eval(right, row)]
        if group_by is not None:
            groups = {}
            for row in rows:
                groups.setdefault(json.dumps(self.eval(group_by, row), default=str), []).append(row)
            return [self.project(items, group[-1], group) for group in groups.values()]
        return [self.project(items, row, [row]) for row in rows]

    def project(self, items, row, group):
        if items == "*":
            return dict(row)
        return {name: self.eval(expression, row, group) for name, expression in items}

    def eval(self, expression, row=None, group=None):
        kind = expression[0]
        if kind == "value":
            return expression[1]
        if kind == "list":
            return [self.eval(item, row, group) for item in expression[1]]
        if kind == "add":
            return self.eval(expression[1], row, group) + self.eval(expression[2], row, group)
        if kind == "symbol":
            return self.lookup(expression[1], row or {})
        _, name, arguments = expression
        if name == "enumerate":  # an aggregate: the items of every row of the group (functions/aggregates.go)
            ((_, items),) = arguments
            return [self.eval(items, member) for member in group or [row]]
        values = {key: self.eval(value, row, group) for key, value in arguments}
        if name == "dict":
            return values
        if name == "now":
            return int(time.time())  # Unix seconds
        if name == "hunt":
            return self.hunt(values)
        raise VQLError(f"Function {name} not found")

    def lookup(self, name, row):
        head, *path = name.split(".")
        if head in row:
            value = row[head]
        elif head in self.env:
            value = self.env[head]  # env values are plain strings (api/query.go:101-103)
        else:
            self.log(f"ERROR:Symbol {head} not found. Current Scope is {sorted(self.env)}")  # vfilter.go:1773
            return None
        for attribute in path:
            value = value.get(attribute) if isinstance(value, dict) else None
        return value

    def plugin(self, call):
        _, name, arguments = call
        values = {key: self.eval(value) for key, value in arguments}
        if name == "scope":
            return [{}]
        if name == "hunt_results":
            return self.hunt_results(values)
        if name == "hunts":
            return self.hunts(values)
        self.log(f"ERROR:Plugin {name} not found. Current Scope is {sorted(self.env)}")  # vfilter.go:1202
        return []

    def hunt(self, values):
        """vql/server/hunts/create.go ScheduleHuntFunction: null and a log line whenever it refuses."""
        if "START_HUNT" not in self.permissions:
            self.log("hunt: PermissionDenied: Permission denied: [START_HUNT]")
            return None
        artifacts = values.get("artifacts")
        artifacts = [artifacts] if isinstance(artifacts, str) else artifacts
        if not artifacts or not all(isinstance(name, str) and name for name in artifacts):
            self.log("hunt: artifacts: required argument missing or not a list of names")
            return None
        expires = values.get("expires")
        if expires is not None and expires < time.time():
            when = datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
            self.log(f"hunt: expiry time {when.isoformat()} in the past")
            return None
        spec = values.get("spec") or {}
        parameters = {}
        for name, given in spec.items():
            if name not in ARTIFACTS:
                self.log(
                    f"hunt: Parameter refers to an unknown artifact ({name}). The parameter should be of the form"
                    ' {"Custom.Artifact.Name":{"arg":"value"}}'
                )
                return None
            declared = ARTIFACTS[name][0]
            parameters[name] = {key: str(value) for key, value in (given or {}).items() if key in declared}
        unknown = [name for name in artifacts if name not in ARTIFACTS]
        if unknown:
            self.log(f"hunt: Unknown artifact {unknown[0]}")
            return None
        hunt_id = "H." + uuid.uuid4().hex[:13].upper()
        now = _now_us()
        expires = int(expires * 1_000_000) if expires is not None else now + 7 * 24 * 3600 * 1_000_000
        description = str(values.get("description") or "")
        hunt = Hunt(hunt_id, self.org, description, artifacts, parameters, expires, now, self.principal)
        self.server.hunts[hunt_id] = hunt  # in the dispatcher's memory at once: hunts() lists it (storage.go SetHunt)
        return {"HuntId": hunt_id, "Request": {"artifacts": artifacts, "specs": parameters}}

    def hunts(self, values):
        """vql/server/hunts/hunts.go HuntsPlugin (:42-125): every hunt of the query's org, or the one
        ``hunt_id`` names; ``summary`` leaves out the start request (GetHuntOptions{Request: !Summary})."""
        if "READ_RESULTS" not in self.permissions:
            self.log("hunts: PermissionDenied: Permission denied: [READ_RESULTS]")
            return []
        summary = bool(values.get("summary"))
        hunts = [hunt for hunt in self.server.hunts.values() if hunt.org == self.org]
        if values.get("hunt_id"):
            hunts = [hunt for hunt in hunts if hunt.hunt_id == values["hunt_id"]]
        return [hunt.row(summary) for hunt in hunts]

    def hunt_results(self, values):
        """vql/server/hunts/hunts.go HuntResultsPlugin: each client's rows, with FlowId, ClientId, _OrgId, Fqdn."""
        if "READ_RESULTS" not in self.permissions:
            self.log("hunt_results: PermissionDenied: Permission denied: [READ_RESULTS]")
            return []
        hunt = self.server.hunts.get(values.get("hunt_id"))
        if hunt is None or hunt.org != self.org:
            self.log(f"hunt_results: hunt {values.get('hunt_id')} not found")
            return []
        artifact = values.get("artifact") or hunt.artifacts[0]
        if artifact not in hunt.artifacts:
            self.log(
                f"hunt_results: artifact {artifact} not available in hunt. Available artifacts are"
                f" {', '.join(hunt.artifacts)}"
            )
            return []
        polls, hunt.polls = hunt.polls, hunt.polls + 1
        run = ARTIFACTS[artifact][1]
        rows = []
        for client in self.server.clients:
            if client.org != self.org or client.answers_after > polls:
                continue
            flow = "F." + uuid.uuid5(uuid.NAMESPACE_OID, hunt.hunt_id + client.client_id).hex[:13].upper()
            for row in run(hunt.parameters.get(artifact, {}), client.files):
                rows.append({**row, "FlowId": flow, "ClientId": client.client_id, "_OrgId": self.org,
                             "Fqdn": client.fqdn})  # fmt: skip
        return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="A fake Velociraptor API server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--config-out", default="api.config.yaml", help="where to write the API client config")
    parser.add_argument("--name", default="dfir-iris", help="the API client's name")
    parser.add_argument("--server-name", default=PINNED_SERVER_NAME, help="the name the server certificate is for")
    parser.add_argument("--org", action="append", default=[], help="an org id the server has besides root")
    parser.add_argument("--seen", action="append", default=[], metavar="FQDN=TEXT",
                        help="a client FQDN with a file holding TEXT; hunts for its hashes find it")  # fmt: skip
    parser.add_argument("--refuse-hunts", action="store_true", help="the API client lacks START_HUNT")
    parser.add_argument("--answers-after", type=int, default=0, help="polls before a client's rows show")
    arguments = parser.parse_args(argv)

    server = FakeVelociraptor(arguments.port, arguments.server_name, [ROOT_ORG, *arguments.org])
    permissions = INVESTIGATOR - {"START_HUNT"} if arguments.refuse_hunts else INVESTIGATOR
    with open(arguments.config_out, "w", encoding="utf-8") as config:
        config.write(server.api_config(arguments.name, permissions))
    for index, seen in enumerate(arguments.seen, 1):
        fqdn, _, text = seen.partition("=")
        server.add_client(f"C.{index:016x}", fqdn, text.encode(), answers_after=arguments.answers_after)
        hashed = _file_row_hashes(text.encode())
        print(f"{fqdn}: a file with MD5 {hashed['MD5']} SHA1 {hashed['SHA1']} SHA256 {hashed['SHA256']}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        print(f"Fake Velociraptor API on {server.address}; API client config in {arguments.config_out}", flush=True)
        try:
            # A short wait, again and again: a signal that gRPC's threads receive does not wake a
            # main thread blocked in one long wait, and SIGTERM would then go unheard.
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
