"""Hunting end to end: the module class, the handler and the client against a fake Velociraptor
that speaks pyvelociraptor's gRPC over mutual TLS, as the real server does (tests/fake_velociraptor.py)."""

import base64
import hashlib
import importlib
import json
import threading
import time
from types import SimpleNamespace

import fake_iris
import pytest

pytest.importorskip("pyvelociraptor", reason="pyvelociraptor is not installed here: `make dev` installs it")
import fake_velociraptor  # noqa: E402  (these need pyvelociraptor and its dependencies)
import yaml  # noqa: E402

from {{ cookiecutter.__package_name }} import client  # noqa: E402

TAG = "{{ cookiecutter.keyword }}"
EVIL, OTHER, NOWHERE = b"MZ evil payload", b"MZ other tool", b"on no client"
CERTIFICATES = fake_velociraptor.Certificates()  # one CA for the whole file: RSA keys take time to make


def md5(data):
    return hashlib.md5(data).hexdigest()


def sha1(data):
    return hashlib.sha1(data).hexdigest()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def one_line(api_config):
    """The API config as the setting takes it: `base64 -w0 api.config.yaml`."""
    return base64.b64encode(api_config.encode()).decode()


@pytest.fixture
def velociraptor():
    with fake_velociraptor.FakeVelociraptor(certificates=CERTIFICATES) as server:
        server.add_client("C.1", "WKS-001", EVIL)
        server.add_client("C.2", "WKS-002", OTHER)
        yield server


class Clock:
    """The client's clock: sleep() moves it on at once, and each sleep's end is noted."""

    def __init__(self):
        self.now = 0.0
        self.woken = []  # the time at the end of each sleep: when each poll starts

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.woken.append(self.now)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(client, "monotonic", clock.monotonic)
    monkeypatch.setattr(client, "sleep", clock.sleep)
    return clock


@pytest.fixture
def contexts(module_class, monkeypatch):
    """Each Context the module builds, in order."""
    built = []
    build = module_class.context

    def context(self, *args, **kwargs):
        built.append(build(self, *args, **kwargs))
        return built[-1]

    monkeypatch.setattr(module_class, "context", context)
    return built


@pytest.fixture
def configure(make_module, module_class, velociraptor, contexts, clock):
    """The module, with settings stored as IRIS stores them; the API config is the fake's; every hook on."""

    def configure(**settings):
        settings.setdefault("api_config", one_line(velociraptor.api_config()))
        return make_module(**{**fake_iris.switches(module_class), **settings})

    return configure


def run(module, *iocs):
    return module.hooks_handler("on_postload_ioc_create", None, list(iocs))


def hunt(module, *iocs):
    status = run(module, *iocs)
    assert status.is_success(), status.get_message()
    return status


def report(ioc):
    return ioc.custom_attributes.get("Report", {}).get("Report", {}).get("value", "")


def test_one_hunt_covers_every_hash_type_and_each_ioc_names_its_hosts(configure, velociraptor):
    by_md5 = fake_iris.ioc(md5(EVIL).upper(), "md5")  # HashHunter compares lowercase hex
    by_sha1 = fake_iris.ioc(sha1(OTHER), "sha1")
    by_sha256 = fake_iris.ioc(f"evil.exe|{sha256(EVIL)}", "filename|sha256")
    nowhere = fake_iris.ioc(sha256(NOWHERE), "sha256")

    hunt(configure(), by_md5, by_sha1, by_sha256, nowhere)

    (started,) = velociraptor.hunts.values()
    assert started.parameters["Generic.Detection.HashHunter"] == {
        "MD5List": md5(EVIL), "SHA1List": sha1(OTHER), "SHA256List": f"{sha256(EVIL)}\n{sha256(NOWHERE)}",
        "TargetGlob": "C:/Users/**/*", "Accessor": "auto",  # the settings' defaults, the artifact's own
    }  # fmt: skip
    assert "WKS-001" in report(by_md5) and "WKS-002" not in report(by_md5)
    assert "WKS-002" in report(by_sha1) and "WKS-001" not in report(by_sha1)
    assert "WKS-001" in report(by_sha256)
    assert "none yet" in report(nowhere) and started.hunt_id in report(nowhere)
    # TODO: assert what your report_fields() shows.
    assert by_md5.ioc_tags == f"{TAG}:hunted,{TAG}:seen" and nowhere.ioc_tags == f"{TAG}:hunted"


def hunts_started(velociraptor):
    """The hunt() queries the server received."""
    return [request for _, request in velociraptor.requests if "hunt(" in request.Query[0].VQL]


def test_a_hash_with_a_running_hunt_of_the_module_reuses_it(configure, velociraptor):
    created, again = fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(md5(EVIL), "md5")
    hunt(configure(), created)
    (first,) = velociraptor.hunts

    # An analyst runs the module again on that IOC and another.
    status = configure().hooks_handler("on_manual_trigger_ioc", None, [again, fake_iris.ioc(md5(OTHER), "md5")])

    assert status.is_success(), status.get_message()

    assert len(hunts_started(velociraptor)) == 2  # the second call started one for OTHER only
    (second,) = set(velociraptor.hunts) - {first}
    assert velociraptor.hunts[second].parameters["Generic.Detection.HashHunter"]["MD5List"] == md5(OTHER)
    assert first in report(again) and "WKS-001" in report(again)


@pytest.mark.parametrize("end", ["stopped", "expired, not yet marked stopped"])
def test_a_hunt_that_ended_is_not_reused(configure, velociraptor, end):
    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"))
    (ended,) = velociraptor.hunts.values()
    if end == "stopped":
        ended.state = "STOPPED"
    else:  # the master frontend stops expired hunts only on its next refresh (hunt_dispatcher.go:229-258)
        ended.expires = fake_velociraptor._now_us() - 1_000_000
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(), ioc)

    (new,) = set(velociraptor.hunts) - {ended.hunt_id}
    assert new in report(ioc) and ended.hunt_id not in report(ioc)


def test_a_hunt_someone_else_described_with_the_hash_is_not_reused(configure, velociraptor):
    env = {"Description": f"IRIS {TAG}: md5:{md5(EVIL)}", "ArtifactName": "Generic.Detection.HashHunter"}
    query = client.connect(SimpleNamespace(api_config=velociraptor.api_config("analyst"), server_name="", org_id=""))
    for description in (f"Look for md5:{md5(EVIL)}", f"IRIS {TAG}: md5:{md5(EVIL)}x"):
        query(client.START_HUNT.format(seconds=60, artifact="Generic.Detection.HashHunter", parameters="MD5List=M"),
              {**env, "Description": description, "M": md5(EVIL)}, 10)  # fmt: skip
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(), ioc)

    assert len(velociraptor.hunts) == 3


def test_two_calls_at_once_for_one_hash_start_one_hunt(configure, velociraptor, monkeypatch):
    # Both calls look before either starts a hunt: the race of IRIS's create and update hooks in two workers.
    both_looked = threading.Barrier(2, timeout=10)
    look = client.Velociraptor.running_hunts
    first_looks = []

    def look_together(self, owner):
        found = look(self, owner)
        if len(first_looks) < 2:
            first_looks.append(found)
            both_looked.wait()
        return found

    monkeypatch.setattr(client.Velociraptor, "running_hunts", look_together)
    modules, iocs = [configure(), configure()], [fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(md5(EVIL), "md5")]
    statuses = [None, None]

    def call(index):
        statuses[index] = run(modules[index], iocs[index])

    threads = [threading.Thread(target=call, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert first_looks == [{}, {}]  # neither saw a hunt for the hash
    assert [status.is_success() for status in statuses] == [True, True]
    (only,) = velociraptor.hunts
    assert only in report(iocs[0]) and only in report(iocs[1])


def test_a_bad_hash_fails_its_own_ioc_and_the_others_are_hunted(configure, velociraptor, contexts):
    # A second line would be a second hash in the artifact's list: the value must never get there.
    smuggled = fake_iris.ioc(f"{md5(NOWHERE)}\n{md5(OTHER)}", "md5")
    quoted = fake_iris.ioc(f'"{md5(NOWHERE)[:30]}"', "md5")
    short = fake_iris.ioc(sha256(EVIL)[:63], "sha256")
    good = fake_iris.ioc(md5(EVIL), "md5")

    run(configure(), smuggled, quoted, short, good)  # the call fails, naming each failed IOC

    failures = dict(contexts[-1].failures)
    assert list(failures) == [f"IOC {ioc.ioc_value!r}" for ioc in (smuggled, quoted, short)]
    assert "not a valid md5 hash: 32 hexadecimal digits expected" in failures[f"IOC {smuggled.ioc_value!r}"]
    (started,) = velociraptor.hunts.values()
    given = started.parameters["Generic.Detection.HashHunter"]
    lists = {name: value for name, value in given.items() if name.endswith("List")}
    assert lists == {"MD5List": md5(EVIL)}
    assert "WKS-001" in report(good)
    assert report(smuggled) == "" and smuggled.ioc_tags == ""


def test_a_hash_type_the_artifact_does_not_take_fails_its_ioc(configure, velociraptor, contexts, monkeypatch):
    monkeypatch.setattr(client, "ARTIFACT", client.LOCAL_HASHES)  # it matches MD5s only
    by_md5, by_sha256 = fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(sha256(EVIL), "sha256")

    run(configure(), by_md5, by_sha256)

    ((label, message),) = contexts[-1].failures
    assert label == f"IOC {by_sha256.ioc_value!r}" and "does not take sha256 hashes, only md5" in message
    (started,) = velociraptor.hunts.values()
    assert started.parameters["Generic.Forensic.LocalHashes.Query"] == {"Hashes": f"Hash\n{md5(EVIL)}"}
    assert "WKS-001" in report(by_md5)


def test_the_artifacts_own_parameters_go_with_every_hunt(configure, velociraptor, monkeypatch):
    small = client.Artifact(**{**vars(client.HASH_HUNTER), "parameters": {"SizeMax": "1048576"}})
    monkeypatch.setattr(client, "ARTIFACT", small)

    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"))

    (started,) = velociraptor.hunts.values()
    assert started.parameters["Generic.Detection.HashHunter"]["SizeMax"] == "1048576"


def test_the_glob_and_accessor_are_settings_and_the_report_names_the_glob_its_hunt_used(configure, velociraptor):
    ioc = fake_iris.ioc(md5(EVIL), "md5")
    hunt(configure(), ioc)
    assert "C:/Users/**/*" in report(ioc) and "WKS-001" in report(ioc)  # its file is under C:/Users

    hunt(configure(target_glob="/{home,Users}/**/*", accessor="file"), ioc)

    first, second = velociraptor.hunts.values()  # the running hunt searches elsewhere: not reused
    assert second.parameters["Generic.Detection.HashHunter"]["TargetGlob"] == "/{home,Users}/**/*"
    assert second.parameters["Generic.Detection.HashHunter"]["Accessor"] == "file"
    assert second.hunt_id in report(ioc) and "/{home,Users}/**/*" in report(ioc) and "C:/Users" not in report(ioc)
    assert "WKS-001" not in report(ioc)

    hunt(configure(), ioc)  # back to the default: the first hunt, still running, is reused
    assert len(velociraptor.hunts) == 2 and first.hunt_id in report(ioc)


def test_an_empty_glob_is_refused_before_anything_is_sent(configure, velociraptor):
    status = run(configure(target_glob=" "), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure() and "target_glob is empty" in status.get_message()
    assert velociraptor.hunts == {}


def test_a_refused_hunt_reports_the_reason_the_server_logged(configure, velociraptor):
    api_config = velociraptor.api_config("no-hunts", fake_velociraptor.INVESTIGATOR - {"START_HUNT"})
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    status = run(configure(api_config=one_line(api_config)), ioc)

    assert status.is_failure()
    assert "did not start the hunt: hunt: PermissionDenied: Permission denied: [START_HUNT]" in status.get_message()
    assert velociraptor.hunts == {} and report(ioc) == ""


EXPIRES = "Velociraptor refuses a hunt that expires now or earlier."
UNWORKABLE = {
    "a hunt expiring at once": ({"hunt_hours": 0}, f"Hunt duration (h) (hunt_hours) is 0: set 1 or more. {EXPIRES}"),
    "a hunt that expired": ({"hunt_hours": -2}, f"Hunt duration (h) (hunt_hours) is -2: set 1 or more. {EXPIRES}"),
    "no time to answer": ({"timeout": 0}, "Timeout (s) (timeout) is 0: set 1 or more. A query needs time to answer."),
    "no timeout": ({"timeout": ""}, "Timeout (s) (timeout) is None: set 1 or more. A query needs time to answer."),
    "a negative wait": (
        {"wait_seconds": -1},
        "Wait for first hits (s) (wait_seconds) is -1: set 0 or more. 0 starts the hunt without waiting.",
    ),
}


@pytest.mark.parametrize("case", UNWORKABLE)
def test_unworkable_settings_are_refused_before_anything_is_sent(configure, velociraptor, case):
    values, expected = UNWORKABLE[case]

    status = run(configure(**values), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure() and expected in status.get_message()
    assert velociraptor.requests == []


def test_the_least_settings_start_a_hunt_of_one_hour_and_do_not_wait(configure, velociraptor, clock):
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(hunt_hours=1, wait_seconds=0, timeout=1), ioc)

    (started,) = velociraptor.hunts.values()
    # expires=now() + 3600, now() in whole seconds, read just before the hunt's create_time (in microseconds)
    assert 0 <= started.create_time - (started.expires - 3600 * 1_000_000) < 1_100_000
    assert clock.woken == [] and started.hunt_id in report(ioc) and "none yet" in report(ioc)  # no poll
    assert md5(EVIL) in report(ioc)  # the report's title: its IOC
    assert started.description == f"IRIS {TAG} (TargetGlob=C:/Users/**/*, Accessor=auto): md5:{md5(EVIL)}"


def test_the_hunt_is_on_the_iocs_before_waiting_and_failed_polls_are_no_rows_yet(
    configure, velociraptor, clock, monkeypatch
):
    velociraptor.drop_polls = 100  # every poll breaks after its first part
    ioc = fake_iris.ioc(md5(EVIL), "md5")
    reports_before_polls = []

    def sleep(seconds):
        reports_before_polls.append(report(ioc))
        clock.sleep(seconds)

    monkeypatch.setattr(client, "sleep", sleep)

    hunt(configure(wait_seconds=35), ioc)

    (started,) = velociraptor.hunts.values()
    assert started.hunt_id in reports_before_polls[0] and "no rows yet" in reports_before_polls[0]
    assert started.hunt_id in report(ioc) and "none yet" in report(ioc)
    assert "Last poll" in report(ioc) and "Socket closed" in report(ioc)
    assert len(clock.woken) == 3  # every poll was tried


def test_a_poll_that_fails_is_followed_by_the_next(configure, velociraptor):
    velociraptor.drop_polls = 1
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(), ioc)

    assert "WKS-001" in report(ioc) and "Last poll" not in report(ioc)


def test_waiting_polls_at_set_times_and_ends_at_the_budget(configure, velociraptor, clock, monkeypatch):
    slow_poll = client.Velociraptor.hosts_with_hits

    def poll_taking_seven_seconds(self, hunt_id):
        clock.now += 7
        return slow_poll(self, hunt_id)

    monkeypatch.setattr(client.Velociraptor, "hosts_with_hits", poll_taking_seven_seconds)

    hunt(configure(wait_seconds=60), fake_iris.ioc(md5(NOWHERE), "md5"))

    assert clock.woken == [5, 15, 35, 60]  # the schedule holds however long polls take
    assert client.poll_times(60) == [5, 15, 35, 60] and client.poll_times(5) == [5]
    assert client.poll_times(3) == [3] and client.poll_times(0) == []
    polls = [request for _, request in velociraptor.requests if "hunt_results" in request.Query[0].VQL]
    assert len(polls) == 4


def test_waiting_stops_once_every_hash_has_a_host(configure, velociraptor, clock):
    velociraptor.clients[0].answers_after = 1  # WKS-001's rows show from the second poll on

    hunt(configure(wait_seconds=600), fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(md5(OTHER), "md5"))

    assert clock.woken == [5, 15]


def test_polls_fetch_one_row_per_client_with_only_what_is_used(configure, velociraptor, monkeypatch):
    monkeypatch.setattr(client, "MAX_ROW", 1)  # the server splits the rows over several responses
    velociraptor.add_client("C.3", "WKS-003", EVIL, OTHER, EVIL + b"!")
    iocs = [fake_iris.ioc(md5(data), "md5") for data in (EVIL, OTHER, EVIL + b"!")]

    hunt(configure(), *iocs)

    polls = [sent for sent in velociraptor.sent if sent.Response and "hunt_results" in sent.Query.VQL]
    rows = [row for sent in polls for row in json.loads(sent.Response)]
    assert len(polls) >= 3 and all(len(json.loads(sent.Response)) <= 1 for sent in polls)
    assert sorted(row["ClientId"] for row in rows) == ["C.1", "C.2", "C.3"]  # one row per client, not per file
    assert all(set(row) == {"ClientId", "Fqdn", "Hashes"} for row in rows)
    assert "WKS-003" in report(iocs[2]) and "WKS-001" in report(iocs[0]) and "WKS-002" in report(iocs[1])


def test_ioc_values_reach_vql_only_as_variables(configure, velociraptor):
    hostile = "x' ) FROM scope() ; SELECT * FROM execve(argv=['rm']) --"
    ioc = fake_iris.ioc(f"{hostile}|{md5(EVIL)}", "filename|md5")

    hunt(configure(), ioc)

    for _, request in velociraptor.requests:
        assert hostile not in request.Query[0].VQL and md5(EVIL) not in request.Query[0].VQL
        assert not any(hostile in pair.value for pair in request.env)  # the hunt is described by its hashes
    (started,) = hunts_started(velociraptor)
    assert md5(EVIL) in {pair.value for pair in started.env}


def test_other_ioc_types_start_no_hunt(configure, velociraptor, contexts):
    hunt(configure(), fake_iris.ioc("evil.example", "domain"), fake_iris.ioc("a" * 128, "sha512"))

    assert velociraptor.requests == [] and contexts[-1].failures == []


def test_the_api_config_is_a_secret_never_logged_nor_returned(configure, velociraptor, module_class, caplog):
    (entry,) = [entry for entry in module_class._module_configuration if entry["param_name"] == "api_config"]
    api_config = velociraptor.api_config()
    key_lines = [line for line in yaml.safe_load(api_config)["client_private_key"].splitlines() if "-----" not in line]
    refusing = velociraptor.api_config("refused", fake_velociraptor.INVESTIGATOR - {"START_HUNT"})

    statuses = [
        run(configure(api_config=one_line(api_config)), fake_iris.ioc(md5(EVIL), "md5")),
        run(configure(api_config=one_line(refusing)), fake_iris.ioc(md5(OTHER), "md5")),  # no hunt to reuse
        run(configure(api_config=api_config.replace("ca_certificate", "ca")), fake_iris.ioc(md5(EVIL), "md5")),
    ]

    assert entry["type"] == "sensitive_string"  # IRIS shows it masked
    shown = caplog.text + "".join(status.get_message() + "".join(status.get_logs()) for status in statuses)
    assert statuses[1].is_failure() and statuses[2].is_failure()
    assert one_line(api_config) not in shown and one_line(refusing) not in shown
    assert not any(line in shown for line in key_lines)


MALFORMED = {
    "empty": ("", "is mandatory and empty"),  # the glue's check, before the handler runs
    "plain text": ("just a sentence", "API client config (api_config) is not an api.config.yaml: neither its YAML or"
                   " JSON nor their base64. Paste the output of `base64 -w0 api.config.yaml`."),
    "broken YAML": ("ca_certificate: [unclosed", "is not an api.config.yaml"),
    "a JSON list": ('["api_connection_string"]', "is not an api.config.yaml"),
    "keys missing": ('{"api_connection_string": "velociraptor:8001"}', "lacks ca_certificate, client_cert, client_private_key"),
    "not PEM": (None, "ca_certificate is not a PEM block"),
    "key with a password": (None, "client_private_key is protected by a password, which the module cannot type."
                                  " Create the API client without --password."),
    "YAML with its newlines lost": (None, "Paste the output of `base64 -w0 api.config.yaml`"),
    "base64 with a stray character": (None, "is not an api.config.yaml"),  # damaged: named, not decoded in part
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_api_config_says_what_is_wrong(configure, velociraptor, case):
    text, expected = MALFORMED[case]
    good = velociraptor.api_config()
    config = yaml.safe_load(good)
    if case == "not PEM":
        text = json.dumps({**config, "ca_certificate": "MIIB"})
    elif case == "key with a password":
        locked = config["client_private_key"].replace("KEY-----\n", "KEY-----\nProc-Type: 4,ENCRYPTED\n", 1)
        text = json.dumps({**config, "client_private_key": locked})
    elif case == "YAML with its newlines lost":  # what a one-line field makes of a pasted file
        text = good.replace("\n", " ")
    elif case == "base64 with a stray character":
        text = "*" + one_line(good)

    status = run(configure(api_config=text), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure()
    assert "API client config (api_config)" in status.get_message() and expected in status.get_message()
    assert "TypeError" not in status.get_message() and velociraptor.requests == []


@pytest.mark.parametrize("form", ["base64", "YAML", "JSON on one line"])
def test_the_api_config_is_read_in_each_form(configure, velociraptor, form):
    api_config = velociraptor.api_config()
    text = {
        "base64": one_line(api_config), "YAML": api_config, "JSON on one line": json.dumps(yaml.safe_load(api_config)),
    }[form]  # fmt: skip
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(api_config=text), ioc)

    assert "WKS-001" in report(ioc)


def test_the_pinned_server_name_is_a_setting(configure):
    with fake_velociraptor.FakeVelociraptor(server_name="velo.internal", certificates=CERTIFICATES) as server:
        server.add_client("C.1", "WKS-001", EVIL)
        api_config = one_line(server.api_config())
        ioc = fake_iris.ioc(md5(EVIL), "md5")

        refused = run(configure(api_config=api_config), ioc)
        hunt(configure(api_config=api_config, server_name="velo.internal"), ioc)

    assert refused.is_failure()
    assert "not issued to 'VelociraptorServer': set Server certificate name (server_name)" in refused.get_message()
    assert "WKS-001" in report(ioc)


def test_the_api_configs_own_pinned_server_name_is_used(configure):
    with fake_velociraptor.FakeVelociraptor(server_name="velo.internal", certificates=CERTIFICATES) as server:
        server.add_client("C.1", "WKS-001", EVIL)
        config = {**yaml.safe_load(server.api_config()), "pinned_server_name": "velo.internal"}
        ioc = fake_iris.ioc(md5(EVIL), "md5")

        hunt(configure(api_config=json.dumps(config)), ioc)

    assert "WKS-001" in report(ioc)


def test_the_org_id_selects_the_org_hunted_in(configure):
    with fake_velociraptor.FakeVelociraptor(orgs=["O123"], certificates=CERTIFICATES) as server:
        server.add_client("C.1", "WKS-ROOT", EVIL)
        server.add_client("C.2", "WKS-ORG", EVIL, org="O123")
        api_config = one_line(server.api_config())
        ioc, elsewhere = fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(md5(EVIL), "md5")

        hunt(configure(api_config=api_config, org_id="O123"), ioc)
        unknown = run(configure(api_config=api_config, org_id="O999"), elsewhere)

    (started,) = server.hunts.values()
    assert started.org == "O123" and "WKS-ORG" in report(ioc) and "WKS-ROOT" not in report(ioc)
    assert unknown.is_failure() and "has no org 'O999': correct Org id (org_id)" in unknown.get_message()


class HurriedClock(Clock):
    """Sleeps pass at once, as on Clock, but the time queries take is real: what a slow server costs shows."""

    def __init__(self):
        super().__init__()
        self.began = time.monotonic()

    def monotonic(self):
        return self.now + time.monotonic() - self.began


def test_a_slow_server_holds_a_call_no_longer_than_its_budget(configure, velociraptor, monkeypatch):
    clock = HurriedClock()
    monkeypatch.setattr(client, "monotonic", clock.monotonic)
    monkeypatch.setattr(client, "sleep", clock.sleep)
    velociraptor.delay = 1.9  # every answer comes just within the timeout: the poll at 5 s runs into the one at 6 s
    ioc = fake_iris.ioc(md5(NOWHERE), "md5")

    hunt(configure(timeout=2, wait_seconds=6), ioc)

    # The README's budget, Timeout + Wait for first hits + Timeout, and a little for the work around the queries
    # (without the budget: 10.7 s and more).
    assert clock.monotonic() <= 2 + 6 + 2 + 0.5
    assert "none yet" in report(ioc)


def test_a_slow_server_is_cut_off_by_the_timeout(configure, velociraptor):
    velociraptor.delay = 5
    started = time.monotonic()

    status = run(configure(timeout=1), fake_iris.ioc(md5(EVIL), "md5"))

    said = status.get_message()
    assert status.is_failure() and f"Velociraptor at {velociraptor.address} did not answer within 1 s (Timeout)" in said
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("key", ["ca_certificate", "client_cert", "client_private_key"])
@pytest.mark.parametrize("damage", ["cut short", "not base64"])
def test_a_certificate_or_key_that_does_not_load_is_named_not_taken_for_a_network_fault(
    configure, velociraptor, key, damage
):
    config = yaml.safe_load(velociraptor.api_config())
    first, second, *_, last = config[key].strip().splitlines()
    config[key] = "\n".join([first, second if damage == "cut short" else "not base64 at all!", last]) + "\n"

    status = run(configure(api_config=json.dumps(config)), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure()
    assert (
        f"API client config (api_config): {key} does not load as PEM: it was changed or cut short. Paste the output"
        " of `base64 -w0 api.config.yaml` for the file `velociraptor config api_client` wrote."
    ) in status.get_message()
    assert "cannot reach" not in status.get_message() and velociraptor.requests == []


def test_a_client_certificate_of_another_key_is_named(configure, velociraptor):
    config = yaml.safe_load(velociraptor.api_config())
    config["client_private_key"], _ = CERTIFICATES.issue("someone else")

    status = run(configure(api_config=json.dumps(config)), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure()
    assert (
        "API client config (api_config): client_cert is not the certificate of client_private_key: both must come"
        " from the same api.config.yaml."
    ) in status.get_message()


# What the fake sends instead of the rows of a query (the query's VQL names the function), and what
# the module says: Velociraptor, the field, and what came.
WRONG_SHAPES = {
    "rows that are not JSON": ("hunt(", "<html>", "sent rows that are not a JSON list of objects: '<html>'"),
    "rows that are not a list": ("hunt(", '{"Hunt": null}', 'not a JSON list of objects: \'{"Hunt": null}\''),
    "no row for the hunt": ("hunt(", "[]", "Velociraptor did not start the hunt: no reason logged"),
    "a hunt that is text": (
        "hunt(", '[{"Hunt": "H.1"}]', "Hunt.HuntId, in 'H.1': the hunt may have started; look for it in Velociraptor",
    ),
    "a hunt without its id": ("hunt(", '[{"Hunt": {"Request": {}}}]', "Hunt.HuntId, in {'Request': {}}"),
    "a hunt id that is not text": ("hunt(", '[{"Hunt": {"HuntId": 7}}]', "Hunt.HuntId, in {'HuntId': 7}"),
    "a hunt record without its id": (
        "hunts(", '[{"hunt_description": "d", "create_time": 1, "expires": 2, "artifacts": []}]', "hunt_id is None",
    ),
    "an expiry that is not a time": (
        "hunts(", '[{"hunt_id": "H.1", "hunt_description": "d", "create_time": 1, "expires": "soon", "artifacts": []}]',
        "expires is 'soon'",
    ),
    "a host without ClientId": ("hunt_results(", '[{"Fqdn": "WKS-001", "Hashes": []}]', "ClientId is None"),
    "an Fqdn that is not text": ("hunt_results(", '[{"ClientId": "C.1", "Fqdn": 5, "Hashes": []}]', "Fqdn is 5"),
    "hashes that are not a list": (
        "hunt_results(", '[{"ClientId": "C.1", "Fqdn": "W", "Hashes": "abc"}]', "Hashes is 'abc'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", WRONG_SHAPES)
def test_an_answer_of_another_shape_is_named_with_what_came(configure, velociraptor, caplog, case):
    function, sent, expected = WRONG_SHAPES[case]
    velociraptor.rewrite = lambda vql, rows: sent if function in vql else rows
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    status = run(configure(wait_seconds=5), ioc)

    # A poll that fails leaves the hunt running: the call succeeds and says why the poll failed.
    fails = function in ("hunt(", "hunts(")  # without knowing the running hunts, no hunt is started
    said = status.get_message() if fails else caplog.text
    assert status.is_failure() == fails
    assert "Velociraptor" in said and expected in said, said
    if "sent rows" in expected:
        assert f"Velociraptor at {velociraptor.address} sent rows" in said
    assert not any(name in said for name in ("TypeError", "KeyError", "AttributeError", "JSONDecodeError"))
    if function == "hunt_results(":
        assert "Last poll" in report(ioc)


# What the client makes of Velociraptor's answers, row by row: each message names the function, the field, what
# came and what was wanted, so that an analyst can tell Velociraptor what it sent.
RECORD = {"hunt_id": "H.1", "hunt_description": "", "create_time": 0, "expires": 1, "artifacts": []}


@pytest.mark.parametrize(
    "name, value, wanted",
    [
        ("hunt_id", "", "a hunt id"),
        ("hunt_description", None, "a description"),
        ("create_time", True, "a time in microseconds"),  # JSON's true is no time, though Python's bool is an int
        ("expires", 1.5, "a time in microseconds"),
        ("artifacts", "Generic.Detection.HashHunter", "a list of artifact names"),
    ],
)
def test_a_hunt_record_names_the_field_that_is_not_as_velociraptor_sends_it(name, value, wanted):
    with pytest.raises(client.VelociraptorError) as raised:
        client.hunt_record({**RECORD, name: value})

    assert str(raised.value) == f"Velociraptor answered hunts() with a row whose {name} is {value!r}, not {wanted}"


def test_a_hunt_record_may_have_an_empty_description_and_times_of_zero():
    assert client.hunt_record(RECORD) == RECORD


@pytest.mark.parametrize(
    "row, name, wanted",
    [
        ({"ClientId": "", "Fqdn": "W", "Hashes": []}, "ClientId", "a client id"),
        ({"ClientId": 7, "Fqdn": "W", "Hashes": []}, "ClientId", "a client id"),
        ({"ClientId": "C.1", "Fqdn": ["W"], "Hashes": []}, "Fqdn", "a host name"),
        ({"ClientId": "C.1", "Fqdn": "W", "Hashes": {"Hash": "ab"}}, "Hashes", "a list of the hashes matched"),
    ],
)
def test_a_host_row_names_the_field_that_is_not_as_velociraptor_sends_it(row, name, wanted):
    with pytest.raises(client.VelociraptorError) as raised:
        client.host(row)

    expected = f"Velociraptor answered hunt_results() with a row whose {name} is {row[name]!r}, not {wanted}"
    assert str(raised.value) == expected


def test_a_host_without_a_name_or_hashes_is_its_client_id_with_none():
    found = client.host({"ClientId": "C.1", "Fqdn": None, "Hashes": None})

    assert (found.name, found.client_id, found.fqdn, found.hashes) == ("C.1", "C.1", "", frozenset())


def test_a_description_names_its_hashes_only_as_hunt_description_writes_them():
    owner = f"IRIS {TAG}"
    a, b = md5(EVIL), sha1(OTHER)
    described = client.hunt_description(owner, {"md5": [a], "sha1": [b]})

    assert described == f"{owner}: md5:{a} sha1:{b}"
    assert client.described_hashes(owner, described) == [a, b]
    assert client.described_hashes(owner, f"{owner}: md5:{a}\tsha1:{b}") == []  # words apart by one space only
    assert client.described_hashes(owner, f"{owner}: md5:{'g' * 32} md5:{a[:31]} sha1:{a}") == []  # not hashes
    assert client.described_hashes("IRIS other", described) == []


def test_a_value_quoted_in_a_message_is_cut_after_80_characters():
    assert client._shown("x" * 78) == repr("x" * 78)  # 80 characters with its quotes
    assert client._shown("x" * 79) == "'" + "x" * 76 + "..."


class RpcFailure:
    """What a failed gRPC call raises, as _explain reads it: a status code and the server's details, if any."""

    def __init__(self, code, details):
        self._code, self._details = SimpleNamespace(name=code), details

    def code(self):
        return self._code

    def details(self):
        return self._details


def test_a_failed_query_is_explained_by_its_status_and_what_time_it_had():
    settings = SimpleNamespace(timeout=10, org_id="O1")

    def explain(code, details, seconds=10):
        return client._explain(RpcFailure(code, details), "velo:8001", "VelociraptorServer", settings, seconds)

    assert explain("DEADLINE_EXCEEDED", None) == "Velociraptor at velo:8001 did not answer within 10 s (Timeout)"
    assert explain("DEADLINE_EXCEEDED", None, 2.345) == (
        "Velociraptor at velo:8001 did not answer within 2.3 s (what was left of the call's time)"
    )
    assert explain("INTERNAL", None) == "Velociraptor at velo:8001 answered INTERNAL: "  # no details: nothing more
    assert explain("UNAVAILABLE", "Socket closed") == "cannot reach Velociraptor at velo:8001: Socket closed"
    assert explain("NOT_FOUND", "Org not found") == "Velociraptor at velo:8001 has no org 'O1': correct Org id (org_id)"
    assert explain("UNAVAILABLE", "Peer name velo.internal is not in peer certificate") == (
        "the certificate of Velociraptor at velo:8001 is not issued to 'VelociraptorServer': set Server certificate"
        " name (server_name) to the server config's Client.pinned_server_name"
    )  # as some gRPC versions word it; others say "Hostname Verification"


def test_the_lines_logged_for_every_query_are_no_reason():
    log = [
        "Starting query execution.",
        "Time 0: iris: Sending response part 0 12 B (1 rows).",
        "hunt: PermissionDenied: Permission denied: [START_HUNT]",
        "Time 0: iris: the query failed",  # a time, but no response part: a reason
        "Sending response part 0 12 B (1 rows).",  # a response part, but no time: a reason
    ]

    assert client.Answer([], log).reasons() == (
        "hunt: PermissionDenied: Permission denied: [START_HUNT]; Time 0: iris: the query failed;"
        " Sending response part 0 12 B (1 rows)."
    )
    assert client.Answer([], log[:2]).reasons() == ""


def test_the_hashes_a_row_matched_are_read_lowercase_from_values_or_dicts_of_them():
    found = client.matched_hashes([{"MD5": "AB12", "SHA1": None}, "Cd34", None, ""])

    assert found == frozenset({"ab12", "cd34"})
    assert client.matched_hashes(None) == frozenset()


def test_a_hash_is_checked_for_its_type_and_lowercased():
    assert client.checked_hash("md5", f" {md5(EVIL).upper()} ") == md5(EVIL)

    with pytest.raises(ValueError) as wrong_length:
        client.checked_hash("sha1", md5(EVIL))
    with pytest.raises(ValueError) as not_hex:
        client.checked_hash("md5", "g" * 32)

    assert str(wrong_length.value) == "not a valid sha1 hash: 40 hexadecimal digits expected, got 32 characters"
    assert str(not_hex.value) == "not a valid md5 hash: 32 hexadecimal digits expected, got 32 characters"


def test_a_hash_claimed_by_one_call_waits_for_its_claim_to_be_given_back_or_to_run_out(package, monkeypatch, tmp_path):
    monkeypatch.setenv("DIM_REQUEST_SLOTS", str(tmp_path / "slots.sqlite3"))
    handler = importlib.import_module(f"{package.__name__}.handler")
    now = [1_000_000.0]
    monkeypatch.setattr(handler, "time", SimpleNamespace(time=lambda: now[0]))
    settings = SimpleNamespace(org_id="", timeout=10)  # a claim lasts 2 x 10 s and 5 more
    first, second, third = handler.Claims(settings), handler.Claims(settings), handler.Claims(settings)
    digest = md5(b"claimed")

    assert first.take([digest]) == [digest]
    assert second.take([digest]) == [] and handler.Claims(SimpleNamespace(org_id="O2", timeout=10)).take([digest])
    now[0] += 24
    assert second.take([digest]) == []  # looking and starting may still be under way
    now[0] += 1
    assert second.take([digest]) == [digest]  # they cannot be: the first call's claim ran out
    first.give_back()  # too late: it no longer frees what the second holds
    assert third.take([digest]) == []
    second.give_back()
    assert third.take([digest]) == [digest] and second.take([digest]) == []


def test_each_hunt_is_logged_started_or_reused_with_its_count_of_iocs(configure, velociraptor, caplog):
    caplog.set_level("INFO")  # as IRIS's worker logs
    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(f"a.exe|{md5(EVIL)}", "filename|md5"))
    (first,) = velociraptor.hunts

    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"), fake_iris.ioc(md5(OTHER), "md5"))

    (second,) = set(velociraptor.hunts) - {first}
    said = [message for message in caplog.messages if message.startswith("Hunt ")]
    assert said == [
        f"Hunt {first} started for 2 IOC(s)",
        f"Hunt {first} already running, reused for 1 IOC(s)",
        f"Hunt {second} started for 1 IOC(s)",
    ]


def test_the_report_names_the_hunt_where_it_searches_and_the_hosts_seen_so_far(package):
    handler = importlib.import_module(f"{package.__name__}.handler")
    scope = {"TargetGlob": "C:/Users/**/*", "Accessor": "auto"}

    # TODO: what your report_fields() shows, if you change it.
    started = {"Hunt": "H.1", **scope, "Hosts": "hunt started, no rows yet"}
    assert handler.report_fields("H.1", scope, None, None) == started
    assert handler.report_fields("H.1", scope, [], None) == {
        "Hunt": "H.1", **scope, "Hosts with the hash": 0, "Hosts": "none yet",
    }  # fmt: skip
    assert handler.report_fields("H.1", scope, ["WKS-1", "WKS-2"], "Socket closed") == {
        "Hunt": "H.1", **scope, "Hosts with the hash": 2, "Hosts": "WKS-1, WKS-2",
        "Last poll": "failed (Socket closed); the hunt goes on: follow it in Velociraptor",
    }  # fmt: skip


def test_the_admins_report_template_gets_the_ioc_and_its_fields(configure, velociraptor):
    # Jinja's delimiters spelt otherwise here: this file is rendered by cookiecutter, and has no Jinja of its own.
    template = "<< title >>|<< fields['Hunt'] >>|<< fields['Hosts'] >>".replace("<<", "{" * 2).replace(">>", "}" * 2)
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(report_template=template), ioc)

    (started,) = velociraptor.hunts
    assert report(ioc) == f"{md5(EVIL)}|{started}|WKS-001"


def test_a_glob_with_no_value_at_all_is_refused_as_an_empty_one(package):
    handler = importlib.import_module(f"{package.__name__}.handler")
    settings = SimpleNamespace(hunt_hours=1, timeout=1, wait_seconds=0, target_glob=None, accessor="auto")

    with pytest.raises(client.ConfigError) as raised:
        handler.check_settings(settings)

    assert str(raised.value) == "target_glob is empty: it is Generic.Detection.HashHunter's TargetGlob; set one"


def test_a_poll_the_server_refuses_is_reported_with_its_reason_and_one_with_no_rows_is_not(
    configure, velociraptor, monkeypatch, caplog
):
    start = client.Velociraptor.start_hunt

    def start_then_lose_the_right_to_read(self, *args):
        hunt_id = start(self, *args)
        velociraptor.permissions["dfir-iris"].discard("READ_RESULTS")  # an admin takes it back meanwhile
        return hunt_id

    nowhere = fake_iris.ioc(md5(NOWHERE), "md5")
    hunt(configure(wait_seconds=5), nowhere)  # no client has it: no rows, and nothing went wrong
    monkeypatch.setattr(client.Velociraptor, "start_hunt", start_then_lose_the_right_to_read)
    refused = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(wait_seconds=5), refused)

    assert "none yet" in report(nowhere) and "Last poll" not in report(nowhere)
    assert "failed (hunt_results: PermissionDenied: Permission denied: [READ_RESULTS])" in report(refused)
    assert [message for message in caplog.messages if message.startswith("Poll at")] == [
        "Poll at 5 s failed; the hunt goes on: hunt_results: PermissionDenied: Permission denied: [READ_RESULTS]"
    ]  # the refused one's only
    polls = [request for _, request in velociraptor.requests if "hunt_results" in request.Query[0].VQL]
    (first,) = [hunt_id for hunt_id, started in velociraptor.hunts.items() if md5(NOWHERE) in started.description]
    assert {pair.key: pair.value for pair in polls[0].env} == {
        "HuntId": first, "ArtifactName": "Generic.Detection.HashHunter",
    }  # fmt: skip


@pytest.mark.parametrize(("timeout", "wait", "woken"), [(10, 0, [1, 3, 7, 15, 23]), (3, 1, [1, 3, 7])])
def test_a_hash_another_call_holds_is_looked_for_again_after_1_2_4_8_8_seconds_until_the_budget_is_spent(
    configure, velociraptor, clock, package, monkeypatch, tmp_path, timeout, wait, woken
):
    monkeypatch.setenv("DIM_REQUEST_SLOTS", str(tmp_path / "slots.sqlite3"))
    handler = importlib.import_module(f"{package.__name__}.handler")
    assert handler.Claims(SimpleNamespace(org_id="", timeout=10)).take([md5(EVIL)]) == [md5(EVIL)]  # held elsewhere

    status = run(configure(timeout=timeout, wait_seconds=wait), fake_iris.ioc(md5(EVIL), "md5"))

    budget = timeout + wait + timeout  # 7: the last look comes when no time is left at all
    expected = f"no time left to ask Velociraptor: the call's budget of {budget} s is spent"
    assert status.is_failure() and expected in status.get_message()
    assert clock.woken == woken and velociraptor.hunts == {}


def test_running_hunts_the_server_refuses_to_list_fail_the_call_before_any_hunt_starts(configure, velociraptor):
    api_config = velociraptor.api_config("no-reading", fake_velociraptor.INVESTIGATOR - {"READ_RESULTS"})

    status = run(configure(api_config=one_line(api_config)), fake_iris.ioc(md5(EVIL), "md5"))

    assert status.is_failure() and "hunts: PermissionDenied: Permission denied: [READ_RESULTS]" in status.get_message()
    assert velociraptor.hunts == {}  # a hunt of the hash may be running: none is started blind


def test_a_hunt_that_expires_in_ten_minutes_is_still_reused(configure, velociraptor):
    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"))
    (running,) = velociraptor.hunts.values()
    running.expires = fake_velociraptor._now_us() + 600 * 1_000_000  # microseconds, as Velociraptor keeps it
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(), ioc)

    assert list(velociraptor.hunts) == [running.hunt_id] and running.hunt_id in report(ioc)


def test_a_hunt_that_expires_this_microsecond_is_not_reused(configure, velociraptor, monkeypatch):
    hunt(configure(), fake_iris.ioc(md5(EVIL), "md5"))
    (ending,) = velociraptor.hunts.values()
    monkeypatch.setattr(client, "time", lambda: 2_000_000_000.0)  # the module's clock, in seconds
    ending.expires = 2_000_000_000 * 1_000_000
    ioc = fake_iris.ioc(md5(EVIL), "md5")

    hunt(configure(), ioc)

    (new,) = set(velociraptor.hunts) - {ending.hunt_id}
    assert new in report(ioc)


def test_hunts_are_owned_by_where_they_search_if_the_artifact_has_settings(monkeypatch):
    assert client.hunt_owner("IRIS x", {"TargetGlob": "/home/**", "Accessor": "file"}) == (
        "IRIS x (TargetGlob=/home/**, Accessor=file)"
    )
    assert client.hunt_owner("IRIS x", {}) == "IRIS x"  # LOCAL_HASHES: no setting says where it searches

    monkeypatch.setattr(client, "ARTIFACT", client.Artifact("Two.Lists", {"md5": "M", "sha256": "S"}, matched="Hash"))
    with pytest.raises(ValueError) as raised:
        client.checked_hash("sha1", sha1(EVIL))

    assert str(raised.value) == (
        "Two.Lists does not take sha1 hashes, only md5, sha256: hunt it with another artifact (client.ARTIFACT)"
    )


def test_each_query_asks_for_rows_at_once_in_parts_and_the_seconds_it_has_rounded_up(velociraptor):
    query = client.connect(SimpleNamespace(api_config=velociraptor.api_config(), server_name="", org_id=""))

    for seconds in (2.3, 0.2):
        query("SELECT * FROM scope()", {}, seconds)

    sent = [(request.max_wait, request.max_row, request.timeout) for _, request in velociraptor.requests]
    assert sent == [(1, 1000, 3), (1, 1000, 1)]  # the server's own limit: whole seconds, 1 at least
