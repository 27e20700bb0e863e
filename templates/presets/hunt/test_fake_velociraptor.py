"""The fake Velociraptor keeps the real server's rules: the tests of the module are only as good as it."""

import base64
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("pyvelociraptor", reason="pyvelociraptor is not installed here: `make dev` installs it")
import fake_velociraptor  # noqa: E402  (these need pyvelociraptor and its dependencies)
import yaml  # noqa: E402
from fake_velociraptor import Certificates, FakeVelociraptor  # noqa: E402

from {{ cookiecutter.__package_name }} import client  # noqa: E402

CERTIFICATES = Certificates()
HUNT = (
    "SELECT hunt(description=Description, artifacts=[ArtifactName], expires=now() + {seconds},"
    " spec=dict(`Generic.Detection.HashHunter`=dict(MD5List=MD5List))) AS Hunt FROM scope()"
)


def settings(api_config, **values):
    return SimpleNamespace(**{"api_config": api_config, "server_name": "", "org_id": "", "timeout": 10, **values})


@pytest.fixture
def server():
    with FakeVelociraptor(certificates=CERTIFICATES) as server:
        yield server


def ask(server, vql, env=None, **settings_values):
    return client.connect(settings(server.api_config(), **settings_values))(vql, env or {}, 10)


def test_only_clients_with_a_certificate_of_its_ca_get_in(server):
    key, certificate = Certificates().issue("dfir-iris")  # the right name, from another CA
    config = {**yaml.safe_load(server.api_config()), "client_private_key": key, "client_cert": certificate}

    with pytest.raises(client.VelociraptorError, match="cannot reach Velociraptor"):
        client.connect(settings(json.dumps(config)))("SELECT * FROM scope()", {}, 10)
    assert server.requests == []


def test_a_client_without_any_query_is_refused_by_grpc(server):
    config = server.api_config("reader", {"READ_RESULTS"})

    with pytest.raises(client.VelociraptorError, match="PERMISSION_DENIED: Permission denied: User reader requires"):
        client.connect(settings(config))("SELECT * FROM scope()", {}, 10)


def test_hunt_refusals_are_null_and_a_log_line(server):
    past = ask(server, HUNT.format(seconds=-60), {"Description": "d", "ArtifactName": "Generic.Detection.HashHunter",
                                                  "MD5List": "a" * 32})  # fmt: skip
    unknown = ask(server, HUNT.replace("`Generic.Detection.HashHunter`", "`No.Such`").format(seconds=60),
                  {"ArtifactName": "Generic.Detection.HashHunter"})  # fmt: skip

    assert past.rows == [{"Hunt": None}] and "in the past" in past.reasons()
    assert unknown.rows == [{"Hunt": None}] and "unknown artifact (No.Such)" in unknown.reasons()
    assert server.hunts == {}


def test_missing_variables_are_null_and_logged(server):
    answer = ask(server, "SELECT Nothing AS Value FROM scope()")

    assert answer.rows == [{"Value": None}] and "ERROR:Symbol Nothing not found" in answer.reasons()


def test_vql_it_does_not_understand_is_a_vql_error_log_line(server):
    answer = ask(server, "SELECT * FROM info() WHERE TRUE")

    assert answer.rows == [] and "VQL Error" in answer.reasons()


def test_an_unknown_plugin_is_no_rows_and_a_log_line(server):
    answer = ask(server, "SELECT * FROM no_such_plugin()")

    assert answer.rows == [] and "ERROR:Plugin no_such_plugin not found" in answer.reasons()


def test_rows_come_in_parts_of_max_row_each_announced_by_a_log_line(server, monkeypatch):
    monkeypatch.setattr(client, "MAX_ROW", 2)
    for index in range(5):
        server.add_client(f"C.{index}", f"WKS-{index}", b"evil")
    started = ask(server, HUNT.format(seconds=60), {"Description": "d", "ArtifactName": "Generic.Detection.HashHunter",
                                                    "MD5List": hashlib.md5(b"evil").hexdigest()})  # fmt: skip
    server.sent.clear()

    polled = ask(server, "SELECT * FROM hunt_results(hunt_id=HuntId)", {"HuntId": started.rows[0]["Hunt"]["HuntId"]})

    parts = [json.loads(sent.Response) for sent in server.sent if sent.Response]
    assert [len(part) for part in parts] == [2, 2, 1] and len(polled.rows) == 5
    assert [sent.log.split(":")[1].strip() for sent in server.sent if "Sending response" in sent.log] == ["iris"] * 3
    assert {"ClientId", "Fqdn", "FlowId", "Hash", "OSPath"} <= set(polled.rows[0])


def test_it_runs_on_its_own_for_a_real_iris(tmp_path):
    config = tmp_path / "api.config.yaml"
    command = [sys.executable, str(Path(fake_velociraptor.__file__)), "--port", "0", "--config-out", str(config),
               "--seen", "WKS-042=evil"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            hashes_line, ready_line = process.stdout.readline(), process.stdout.readline()
            assert "Fake Velociraptor API on 127.0.0.1:" in ready_line
            one_line = base64.b64encode(config.read_bytes()).decode()
            velociraptor = client.Velociraptor(client.connect(settings(one_line)), timeout=10, budget=30)
            hunt_id = velociraptor.start_hunt({"sha256": [hashlib.sha256(b"evil").hexdigest()]}, "e2e", 3600)
            (host,) = velociraptor.hosts_with_hits(hunt_id)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    assert host.fqdn == "WKS-042" and hashlib.sha256(b"evil").hexdigest() in hashes_line


def test_hunts_lists_the_orgs_hunts_as_velociraptor_writes_its_hunt_records(server):
    env = {"Description": "IRIS: one", "ArtifactName": "Generic.Detection.HashHunter", "MD5List": "a" * 32}
    before = time.time()
    started = ask(server, HUNT.format(seconds=3600), env).rows[0]["Hunt"]["HuntId"]
    server.orgs.add("O1")
    ask(server, HUNT.format(seconds=3600), env, org_id="O1")  # another org's hunt

    (row,) = ask(server, "SELECT * FROM hunts(summary=TRUE)").rows
    (whole,) = ask(server, "SELECT * FROM hunts()").rows

    assert row["hunt_id"] == started and row["hunt_description"] == "IRIS: one" and row["state"] == "RUNNING"
    assert row["creator"] == "dfir-iris" and row["artifacts"] == ["Generic.Detection.HashHunter"]
    # Times are microseconds since 1970 (create.go:103, hunt_dispatcher.go:308).
    assert before * 1e6 <= row["create_time"] <= time.time() * 1e6
    assert abs(row["expires"] - (row["create_time"] + 3600e6)) < 2e6
    assert row["start_request"] == {} and whole["start_request"]["artifacts"] == ["Generic.Detection.HashHunter"]


def test_hunts_where_state_keeps_the_running_ones(server):
    env = {"Description": "d", "ArtifactName": "Generic.Detection.HashHunter", "MD5List": "a" * 32}
    running, stopped = (ask(server, HUNT.format(seconds=60), env).rows[0]["Hunt"]["HuntId"] for _ in range(2))
    server.hunts[stopped].state = "STOPPED"

    answer = ask(server, "SELECT hunt_id FROM hunts(summary=TRUE) WHERE state = 'RUNNING'")

    assert answer.rows == [{"hunt_id": running}]


def test_hunts_needs_read_results(server):
    config = server.api_config("querier", {"ANY_QUERY"})

    answer = client.connect(settings(config))("SELECT * FROM hunts()", {}, 10)

    assert answer.rows == [] and "hunts: PermissionDenied" in answer.reasons()
