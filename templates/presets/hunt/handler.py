"""Hunt for new hash IOCs on every Velociraptor client; write what comes back on the IOCs.

``handle_iocs`` is called for the IOC hooks in the module class's hook table with the list
of IRIS ``Ioc`` objects and a Context (``settings``, ``log``, ``isolate``, ``hook``). What
it changes on the IOCs is saved by IRIS. A hash the module already hunts is looked for in
that running hunt; one new hunt covers the others of the call. Each IOC gets its hunt's id at
once, then the module waits ``wait_seconds`` at most for first hits; the whole call ends within ``timeout`` + ``wait_seconds`` + ``timeout``. The hunt
itself stays open ``hunt_hours``: follow it in Velociraptor.
"""

import time

from . import client, ioc_types, iris_objects
from .context import Context
from .report import render_report
from .request_slots import Slots

# IRIS's exact IOC type names that hold a hash, and which hash.
HASH_TYPES = {
    "md5": "md5", "sha1": "sha1", "sha256": "sha256",
    "filename|md5": "md5", "filename|sha1": "sha1", "filename|sha256": "sha256",
}  # fmt: skip
TAG_PREFIX = "{{ cookiecutter.keyword }}"
OWNER = f"IRIS {TAG_PREFIX}"  # how its hunts' descriptions begin: the hunts it may reuse (client.hunt_description)
CLAIM_MARGIN = 5  # seconds: the claim's own write and the query's setup


def handle_iocs(iocs: list, context: Context) -> list:
    """Hunt the hash IOCs among ``iocs``: in the running hunt the module started for a hash, else in one new
    hunt for the hashes that have none; report on each IOC the hosts that have its hash."""
    hunted = []  # (ioc, hash type, hash)
    for ioc in iocs:
        hash_type = ioc_types.choose(ioc, HASH_TYPES, context.log)
        if hash_type:
            with context.isolate(f"IOC {ioc.ioc_value!r}"):  # a bad value fails its IOC only
                _, value = ioc_types.split_composite(ioc)
                hunted.append((ioc, hash_type, client.checked_hash(hash_type, value)))
    if not hunted:
        return iocs
    settings = context.settings
    check_settings(settings)
    # The README's budget: up to Timeout to find or start the hunts, the wait, up to Timeout for the last poll.
    budget = settings.timeout + settings.wait_seconds + settings.timeout
    scope = client.scope(client.ARTIFACT, settings)  # where the hunt searches: named in each IOC's report
    velociraptor = client.Velociraptor(client.connect(settings), settings.timeout, budget, scope=scope)
    owner = client.hunt_owner(OWNER, scope)  # a running hunt is reused only where it searches the same files
    hashes = {}
    for _, hash_type, digest in hunted:
        hashes.setdefault(hash_type, {})[digest] = None  # each hash once, in order
    hunt_of, started = velociraptor.hunt_each(
        {kind: list(digests) for kind, digests in hashes.items()}, owner, settings.hunt_hours * 3600, Claims(settings)
    )
    for hunt_id in dict.fromkeys(hunt_of.values()):
        done = "started" if hunt_id in started else "already running, reused"
        count = sum(hunt_of[digest] == hunt_id for _, _, digest in hunted)
        context.log.info(f"Hunt {hunt_id} {done} for {count} IOC(s)")
    for ioc, _, digest in hunted:  # recorded now: waiting may fail, the hunt runs on anyway
        iris_objects.add_tags(ioc, "ioc_tags", [f"{TAG_PREFIX}:hunted"])
        write_report(ioc, settings, report_fields(hunt_of[digest], scope, None, None))
    hosts, problem = client.wait_for_hits(
        lambda: [host for hunt_id in dict.fromkeys(hunt_of.values()) for host in velociraptor.hosts_with_hits(hunt_id)],
        set(hunt_of),
        settings.wait_seconds,
        context.log,
    )
    for ioc, _, digest in hunted:
        seen = sorted({host.name for host in hosts if digest in host.hashes})
        if seen:
            iris_objects.add_tags(ioc, "ioc_tags", [f"{TAG_PREFIX}:seen"])
        write_report(ioc, settings, report_fields(hunt_of[digest], scope, seen, problem))
    return iocs


class Claims:
    """Hashes claimed by one call, so that only one call at a time, across IRIS's worker processes and
    containers, looks for a hash's running hunt and starts one when there is none.

    Velociraptor has no "start a hunt unless one runs": two calls for one hash (IRIS's create and
    update hooks, in two workers) would both find none and both start one. A claim is a request slot
    (request_slots.py) in what the workers share, held until given back, or at most for as long as
    looking and starting may take: ``timeout`` seconds each, and a little more.
    """

    def __init__(self, settings):
        self.slots = Slots()
        self.org_id = settings.org_id
        self.seconds = 2 * settings.timeout + CLAIM_MARGIN
        self.held = {}  # hash -> when its claim runs out

    def take(self, digests):
        now = time.time()
        for digest in digests:
            taken, at = self.slots.take(self.key(digest), self.seconds, now, latest=now)
            if taken:
                self.held[digest] = at + self.seconds
        return [digest for digest in digests if digest in self.held]

    def key(self, digest):
        return f"{__package__}:hunt:{self.org_id}:{digest}"

    def give_back(self):
        for digest, until in self.held.items():
            self.slots.give_back(self.key(digest), until, time.time())
        self.held.clear()


def check_settings(settings):
    """Refuse, before anything is sent, settings that Velociraptor or the wait cannot work with."""
    minimums = {
        "hunt_hours": ("Hunt duration (h)", 1, "Velociraptor refuses a hunt that expires now or earlier."),
        "timeout": ("Timeout (s)", 1, "A query needs time to answer."),
        "wait_seconds": ("Wait for first hits (s)", 0, "0 starts the hunt without waiting."),
    }
    for name, (human, minimum, why) in minimums.items():
        value = getattr(settings, name)
        if value is None or value < minimum:
            raise client.ConfigError(f"{human} ({name}) is {value}: set {minimum} or more. {why}")
    for name, parameter in client.ARTIFACT.settings.items():
        if not (getattr(settings, name) or "").strip():
            raise client.ConfigError(f"{name} is empty: it is {client.ARTIFACT.name}'s {parameter}; set one")


def report_fields(hunt_id, scope, hosts, problem):
    """The rows of the report tab: the hunt, where it searches (``scope``: the glob, the accessor), and the hosts that
    had the hash by the end of the wait."""
    # TODO: more of what your artifact's rows hold, if analysts need it (select it in client.HOSTS_WITH_HITS).
    if hosts is None:
        return {"Hunt": hunt_id, **scope, "Hosts": "hunt started, no rows yet"}
    fields = {"Hunt": hunt_id, **scope, "Hosts with the hash": len(hosts), "Hosts": ", ".join(hosts) or "none yet"}
    if problem:
        fields["Last poll"] = f"failed ({problem}); the hunt goes on: follow it in Velociraptor"
    return fields


def write_report(ioc, settings, fields):
    html = render_report(settings.report_template, title=ioc.ioc_value, fields=fields)
    iris_objects.set_report_tab(ioc, settings.report_tab, html)
