"""Velociraptor's API through pyvelociraptor: the only code that talks to the server.

Values that come from IRIS (hashes, a description) reach VQL as query variables (``env``),
never pasted into the query's text, so no value can change what the query does. The
server reports what goes wrong inside a query (a refused hunt, a missing permission) as
log lines of the query, not as gRPC errors: they are kept and shown. What it answers is
checked before use: an answer of another shape says which field held what.
"""
# TODO: a port to another EDR starts here (AGENTS.md, "Porting to another service"): its API in place of
# pyvelociraptor's, IRIS's values still passed as parameters, never pasted into a query.

import base64
import binascii
import json
import math
import string
from dataclasses import dataclass, field
from time import monotonic, sleep, time


@dataclass(frozen=True)
class Artifact:
    """An artifact hunts run: its parameter for each hash type, and the hashes a result row matched."""

    name: str
    lists: dict  # hash type -> the parameter taking a list of such hashes, one a line
    matched: str  # VQL of the hash(es) a result row matched: one value, or a dict of them
    header: str = ""  # a line before the list: the header of a CSV parameter
    parameters: dict = field(default_factory=dict)  # other parameters, the same for every hunt
    settings: dict = field(default_factory=dict)  # module setting -> the parameter it fills (where it searches)


# Looks for the hashes among the files under TargetGlob on every client, read through Accessor,
# hashing them as it goes: both are settings (target_glob, accessor), whose defaults are the
# artifact's own (C:/Users/**/*, auto).
HASH_HUNTER = Artifact(
    "Generic.Detection.HashHunter",
    {"md5": "MD5List", "sha1": "SHA1List", "sha256": "SHA256List"},
    matched="Hash",
    settings={"target_glob": "TargetGlob", "accessor": "Accessor"},
)
# Looks MD5s up in each client's hash database, which Generic.Forensic.LocalHashes.Glob fills.
LOCAL_HASHES = Artifact("Generic.Forensic.LocalHashes.Query", {"md5": "Hashes"}, matched="MD5", header="Hash\n")
# TODO: the artifact your hunts run: one of the above, or your own declared the same way.
ARTIFACT = HASH_HUNTER

HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
START_HUNT = (
    "SELECT hunt(description=Description, artifacts=[ArtifactName], expires=now() + {seconds},"
    " spec=dict(`{artifact}`=dict({parameters}))) AS Hunt FROM scope()"
)
# The running hunts, without their start requests (summary: no read of each request from the datastore).
# Velociraptor marks an expired hunt STOPPED only at its next refresh (hunt_dispatcher.go:229-258), so
# `expires` is checked too.
RUNNING_HUNTS = (
    "SELECT hunt_id, hunt_description, create_time, expires, artifacts FROM hunts(summary=TRUE) WHERE state = 'RUNNING'"
)
# One row per client: which client, and the hashes its rows matched; never whole rows.
HOSTS_WITH_HITS = (
    "SELECT ClientId, Fqdn, enumerate(items={matched}) AS Hashes"
    " FROM hunt_results(hunt_id=HuntId, artifact=ArtifactName) GROUP BY ClientId"
)
MAX_ROW = 1000  # rows per response part

# The name Velociraptor issues its server certificate to, unless its config's
# Client.pinned_server_name says another (constants.PinnedServerName).
PINNED_SERVER_NAME = "VelociraptorServer"
CONFIG_KEYS = ("api_connection_string", "ca_certificate", "client_cert", "client_private_key")
CONFIG_SETTING = "API client config (api_config)"


class VelociraptorError(Exception):
    """The server refused, failed or could not be reached; the message says which and why."""


class ConfigError(ValueError):
    """A setting the module cannot use; the message names it and the fix."""


@dataclass(frozen=True)
class Answer:
    rows: list
    log: list  # the query's log lines

    def reasons(self):
        """The log lines that say something went wrong, joined."""
        return "; ".join(line for line in self.log if not _routine(line))


def _routine(line):
    """A line the server logs for every query (api/query.go streamQuery): not a reason for anything."""
    return line == "Starting query execution." or (line.startswith("Time ") and ": Sending response part " in line)


@dataclass(frozen=True)
class Host:
    client_id: str
    fqdn: str
    hashes: frozenset  # the hashes its rows matched, lowercase

    @property
    def name(self):
        return self.fqdn or self.client_id


class Velociraptor:
    """Hunts on a Velociraptor server; ``query(vql, env, seconds)`` returns the Answer to one VQL query.

    Every query of one instance ends at the latest ``budget`` seconds after the instance was
    made: each may take ``timeout`` seconds, or what is left of the budget when that is less.
    """

    def __init__(self, query, timeout, budget, artifact=None, scope=None):
        self.query = query
        self.timeout = timeout
        self.budget = budget
        self.deadline = monotonic() + budget
        self.artifact = artifact or ARTIFACT
        self.scope = scope or {}  # where the hunts search: the artifact's parameters the settings fill (scope())

    def ask(self, vql, env):
        seconds = min(self.timeout, self.deadline - monotonic())
        if seconds <= 0:
            raise VelociraptorError(f"no time left to ask Velociraptor: the call's budget of {self.budget} s is spent")
        return self.query(vql, env, seconds)

    def hunt_each(self, hashes, owner, expires_in, claims):
        """({hash: hunt id}, the ids of the hunts started): for each of ``hashes`` ({hash type: [hash, ...]})
        the running hunt ``owner`` started for it, and one new hunt for the hashes that have none.

        Looking and starting are two queries: ``claims`` (take(hashes) -> those taken, give_back()) lets one
        call at a time do both for a hash. A hash another call holds is looked for again until its hunt
        shows, or the claim is given back or runs out; ask() ends the wait when the call's time is up.
        """
        wanted = [value for values in hashes.values() for value in values]
        found, started, gap = {}, [], 1
        while True:
            mine = claims.take([value for value in wanted if value not in found])
            try:
                found.update((value, hunt) for value, hunt in self.running_hunts(owner).items() if value in wanted)
                new = {kind: [value for value in values if value in mine and value not in found]
                       for kind, values in hashes.items()}  # fmt: skip
                new = {kind: values for kind, values in new.items() if values}
                if new:
                    started.append(self.start_hunt(new, hunt_description(owner, new), expires_in))
                    found.update(dict.fromkeys((value for values in new.values() for value in values), started[-1]))
            finally:
                claims.give_back()  # the new hunt shows in hunts() now, or none started: the next may look
            if len(found) == len(wanted):
                return {value: found[value] for value in wanted}, started
            sleep(gap)
            gap = min(gap * 2, 8)

    def running_hunts(self, owner):
        """{hash: hunt id} of the running, unexpired hunts of this artifact that ``owner`` started; of
        several for one hash, the oldest, so that every call picks the same."""
        answer = self.ask(RUNNING_HUNTS, {})
        if not answer.rows and answer.reasons():
            raise VelociraptorError(answer.reasons())
        now = time() * 1_000_000  # Velociraptor's times are microseconds since 1970
        found = {}
        for record in sorted((hunt_record(row) for row in answer.rows), key=lambda record: record["create_time"]):
            if record["expires"] > now and self.artifact.name in record["artifacts"]:
                for value in described_hashes(owner, record["hunt_description"]):
                    found.setdefault(value, record["hunt_id"])
        return found

    def start_hunt(self, hashes, description, expires_in):
        """Start one hunt on every client for ``hashes`` ({hash type: [hash, ...]}); its hunt id."""
        artifact = self.artifact
        lists = {artifact.lists[kind]: artifact.header + "\n".join(values) for kind, values in hashes.items()}
        values = {**artifact.parameters, **self.scope, **lists}
        env = {"Description": description, "ArtifactName": artifact.name, **values}
        names = ", ".join(f"{name}={name}" for name in values)  # parameter names are code, never IRIS data
        answer = self.ask(START_HUNT.format(seconds=int(expires_in), artifact=artifact.name, parameters=names), env)
        hunt = answer.rows[0].get("Hunt") if answer.rows else None
        if not hunt:  # hunt() returns null and logs why (vql/server/hunts/create.go)
            raise VelociraptorError(f"Velociraptor did not start the hunt: {answer.reasons() or 'no reason logged'}")
        hunt_id = hunt.get("HuntId") if isinstance(hunt, dict) else None
        if not isinstance(hunt_id, str) or not hunt_id:
            raise VelociraptorError(
                f"Velociraptor answered hunt() without a hunt id in Hunt.HuntId, in {_shown(hunt)}: the hunt may"
                " have started; look for it in Velociraptor"
            )
        return hunt_id

    def hosts_with_hits(self, hunt_id):
        """The clients that sent rows so far, with the hashes they matched."""
        vql = HOSTS_WITH_HITS.format(matched=self.artifact.matched)
        answer = self.ask(vql, {"HuntId": hunt_id, "ArtifactName": self.artifact.name})
        if not answer.rows and answer.reasons():
            raise VelociraptorError(answer.reasons())
        return [host(row) for row in answer.rows]


def scope(artifact, settings):
    """{parameter: value} of the artifact's parameters that settings fill: where its hunts search."""
    return {parameter: getattr(settings, name) for name, parameter in artifact.settings.items()}


def hunt_owner(owner, scope):
    """How the hunts of ``owner`` searching ``scope`` are described: a hunt is reused only where it searches."""
    return f"{owner} ({', '.join(f'{name}={value}' for name, value in scope.items())})" if scope else owner


def hunt_description(owner, hashes):
    """How a hunt the module starts is described: ``owner``, then each hash as a word of its own, ``md5:<hex>``,
    so that a later call finds the hunt of a hash. Only checked hashes go in, never IRIS's free text."""
    return f"{owner}: " + " ".join(f"{kind}:{value}" for kind, values in hashes.items() for value in values)


def described_hashes(owner, description):
    """The hashes a hunt_description() of ``owner`` names; none in any other description."""
    prefix = f"{owner}: "
    if not description.startswith(prefix):
        return []
    words = (word.partition(":") for word in description[len(prefix) :].split(" "))
    return [value for kind, _, value in words if len(value) == HASH_LENGTHS.get(kind) and _is_hex(value)]


def hunt_record(row):
    """A row of RUNNING_HUNTS, checked; VelociraptorError naming a field that is not as Velociraptor sends it."""
    for name, kind, wanted in (
        ("hunt_id", str, "a hunt id"),
        ("hunt_description", str, "a description"),
        ("create_time", int, "a time in microseconds"),
        ("expires", int, "a time in microseconds"),
        ("artifacts", list, "a list of artifact names"),
    ):
        value = row.get(name)
        if not isinstance(value, kind) or isinstance(value, bool) or (name == "hunt_id" and not value):
            raise _odd_row(name, value, wanted, "hunts()")
    return row


def host(row):
    """The Host a row of HOSTS_WITH_HITS describes; VelociraptorError naming a field that is not as Velociraptor sends it."""
    client_id, fqdn, hashes = row.get("ClientId"), row.get("Fqdn"), row.get("Hashes")
    if not isinstance(client_id, str) or not client_id:
        raise _odd_row("ClientId", client_id, "a client id", "hunt_results()")
    if fqdn is not None and not isinstance(fqdn, str):
        raise _odd_row("Fqdn", fqdn, "a host name", "hunt_results()")
    if hashes is not None and not isinstance(hashes, list):
        raise _odd_row("Hashes", hashes, "a list of the hashes matched", "hunt_results()")
    return Host(client_id, fqdn or "", matched_hashes(hashes))


def _odd_row(name, value, wanted, function):
    return VelociraptorError(
        f"Velociraptor answered {function} with a row whose {name} is {_shown(value)}, not {wanted}"
    )


def matched_hashes(values):
    """Every hash in a list of values or dicts of them, lowercase."""
    found = set()
    for value in values or ():
        found.update(str(item).lower() for item in (value.values() if isinstance(value, dict) else [value]) if item)
    return frozenset(found)


def checked_hash(hash_type, value):
    """``value`` in lowercase if it is a ``hash_type`` hash the artifact takes; ValueError saying why not."""
    digest = value.strip()
    length = HASH_LENGTHS[hash_type]
    if len(digest) != length or not _is_hex(digest):
        raise ValueError(
            f"not a valid {hash_type} hash: {length} hexadecimal digits expected, got {len(digest)} characters"
        )
    if hash_type not in ARTIFACT.lists:
        raise ValueError(
            f"{ARTIFACT.name} does not take {hash_type} hashes, only {', '.join(ARTIFACT.lists)}:"
            " hunt it with another artifact (client.ARTIFACT)"
        )
    return digest.lower()


def _is_hex(text):
    return all(char in string.hexdigits for char in text)


def poll_times(budget, first=5):
    """Seconds after the hunt starts to poll at: ``first``, then doubling gaps, and ``budget`` itself."""
    times, at, gap = [], first, first
    while at < budget:
        times.append(at)
        gap *= 2
        at += gap
    return [*times, budget] if budget > 0 else []


def wait_for_hits(poll, wanted, budget, log):
    """Poll at poll_times(budget) until every hash in ``wanted`` has a host or the budget is spent.

    A poll that starts late, after a slow one, is not skipped: ``poll`` itself stops asking when
    the call's time is up (Velociraptor.ask).

    A poll that fails is logged and the next one tried: the hunt goes on in Velociraptor.
    Returns the hosts of the last poll that answered, and why the last poll failed, if it did.
    """
    start, hosts, problem = monotonic(), [], None
    for at in poll_times(budget):
        sleep(max(0.0, start + at - monotonic()))
        try:
            hosts, problem = poll(), None
        except VelociraptorError as error:
            problem = str(error)
            log.warning(f"Poll at {at} s failed; the hunt goes on: {error}")
            continue
        if wanted <= set().union(*(host.hashes for host in hosts)):
            break
    return hosts, problem


def read_api_config(text):
    """The api.config.yaml `velociraptor config api_client` writes, from its text, its JSON or its base64."""
    import yaml  # pyvelociraptor's own dependency

    config = _mapping(text or "", yaml)
    if config is None:
        try:
            decoded = base64.b64decode((text or "").strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        config = _mapping(decoded, yaml)
    if config is None:
        # Never quote the text: it holds the private key.
        raise ConfigError(
            f"{CONFIG_SETTING} is not an api.config.yaml: neither its YAML or JSON nor their base64."
            " Paste the output of `base64 -w0 api.config.yaml`."
        )
    missing = [key for key in CONFIG_KEYS if not isinstance(config.get(key), str) or not config[key].strip()]
    if missing:
        raise ConfigError(
            f"{CONFIG_SETTING} lacks {', '.join(missing)}: paste the whole file `velociraptor config api_client` writes."
        )
    for key in CONFIG_KEYS[1:]:
        if "-----BEGIN " not in config[key]:
            raise ConfigError(f"{CONFIG_SETTING}: {key} is not a PEM block (-----BEGIN ...).")
    if "ENCRYPTED" in config["client_private_key"]:
        raise ConfigError(
            f"{CONFIG_SETTING}: client_private_key is protected by a password, which the module cannot type."
            " Create the API client without --password."
        )
    check_pem(config)
    return config


def check_pem(config):
    """Load the certificates and the key as TLS will, so that a damaged one is named, not taken for a network fault.

    gRPC reports a certificate or key it cannot load only when connecting, as "failed to
    connect", and a key that is not the client certificate's the same way.
    """
    from cryptography import x509  # pyvelociraptor's own dependency, and IRIS's
    from cryptography.hazmat.primitives import serialization

    loaded = {}
    for key, load in (
        ("ca_certificate", x509.load_pem_x509_certificate),
        ("client_cert", x509.load_pem_x509_certificate),
        ("client_private_key", lambda data: serialization.load_pem_private_key(data, password=None)),
    ):
        try:
            loaded[key] = load(config[key].encode())
        except ValueError:  # its own message would say nothing more; never quote the key
            raise ConfigError(
                f"{CONFIG_SETTING}: {key} does not load as PEM: it was changed or cut short. Paste the output of"
                " `base64 -w0 api.config.yaml` for the file `velociraptor config api_client` wrote."
            ) from None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    pem = serialization.Encoding.PEM
    if loaded["client_cert"].public_key().public_bytes(pem, public) != (
        loaded["client_private_key"].public_key().public_bytes(pem, public)
    ):
        raise ConfigError(
            f"{CONFIG_SETTING}: client_cert is not the certificate of client_private_key: both must come from the"
            " same api.config.yaml."
        )


def _mapping(text, yaml):
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return loaded if isinstance(loaded, dict) else None


def connect(settings):
    """A ``query(vql, env, seconds)`` function answering from the server the module's settings describe.

    ``seconds`` bounds the whole query, connecting included: gRPC's deadline, and the server's own timeout.
    """
    # Imported here: IRIS builds the module for every call, and only hunts need gRPC.
    import grpc
    from pyvelociraptor import api_pb2, api_pb2_grpc

    config = read_api_config(settings.api_config)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=config["ca_certificate"].encode(),
        private_key=config["client_private_key"].encode(),
        certificate_chain=config["client_cert"].encode(),
    )
    # The server's certificate is issued to this name, whatever its address.
    server_name = settings.server_name or config.get("pinned_server_name") or PINNED_SERVER_NAME
    options = (("grpc.ssl_target_name_override", server_name),)
    address = config["api_connection_string"]

    def query(vql, env, seconds):
        request = api_pb2.VQLCollectorArgs(
            org_id=settings.org_id or "",
            max_wait=1,
            max_row=MAX_ROW,
            timeout=max(1, math.ceil(seconds)),  # whole seconds, the server's own limit for the query
            Query=[api_pb2.VQLRequest(Name="iris", VQL=vql)],
            env=[api_pb2.VQLEnv(key=key, value=str(value)) for key, value in env.items()],
        )
        rows, log = [], []
        try:
            with grpc.secure_channel(address, credentials, options) as channel:
                for response in api_pb2_grpc.APIStub(channel).Query(request, timeout=seconds):
                    if response.log:
                        log.append(response.log.rstrip("\n"))
                    if response.Response:
                        rows.extend(_rows(response.Response, address))
        except grpc.RpcError as error:
            raise VelociraptorError(_explain(error, address, server_name, settings, seconds)) from None
        return Answer(rows, log)

    return query


def _rows(text, address):
    """One part of a query's rows: Velociraptor sends them as a JSON list of objects (api/query.go)."""
    try:
        rows = json.loads(text)
    except ValueError:
        rows = None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise VelociraptorError(
            f"Velociraptor at {address} sent rows that are not a JSON list of objects: {_shown(text)}"
        )
    return rows


def _shown(value):
    """``value`` as a message quotes it: short, whatever a server sent."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _explain(error, address, server_name, settings, seconds):
    code, details = error.code(), error.details() or ""
    if code.name == "DEADLINE_EXCEEDED":
        limit = "Timeout" if seconds == settings.timeout else "what was left of the call's time"
        return f"Velociraptor at {address} did not answer within {round(seconds, 1):g} s ({limit})"
    if "Hostname Verification" in details or "Peer name" in details:
        return (
            f"the certificate of Velociraptor at {address} is not issued to {server_name!r}: set Server certificate"
            " name (server_name) to the server config's Client.pinned_server_name"
        )
    if details == "Org not found":  # services/orgs.go
        return f"Velociraptor at {address} has no org {settings.org_id!r}: correct Org id (org_id)"
    if code.name == "UNAVAILABLE":
        return f"cannot reach Velociraptor at {address}: {details}"
    return f"Velociraptor at {address} answered {code.name}: {details}"
