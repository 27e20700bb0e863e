"""Hunting end to end: the module class, the handler and the client against a fake Velociraptor."""

import fake_iris
import pytest

from {{ cookiecutter.__package_name }} import client

DIGEST = "79e7ccb7d9f9acb5fcb84e408cca72eb"
TAG = "{{ cookiecutter.keyword }}"


class FakeVelociraptor:
    """Answers VQL as a server would: a hunt id for hunt(), then scripted hunt_results rows."""

    def __init__(self, results=()):
        self.queries = []  # (vql, env)
        self.results = list(results)  # rows returned by each hunt_results call in turn

    def query(self, vql, env):
        self.queries.append((vql, env))
        if "hunt(" in vql:
            return [{"Hunt": {"HuntId": "H.C42", "Request": {}}}]
        return self.results.pop(0) if self.results else []


@pytest.fixture
def velociraptor(monkeypatch):
    fake = FakeVelociraptor()
    monkeypatch.setattr(client, "connect", lambda api_config, timeout: fake.query)
    monkeypatch.setattr(client, "sleep", lambda seconds: None)
    return fake


@pytest.fixture
def module(make_module):
    return make_module(api_config="api_connection_string: velociraptor:8001", wait_seconds=35)


def hunt(module, *iocs):
    status = module.hooks_handler("on_postload_ioc_create", None, list(iocs))
    assert status.is_success(), status.get_message()
    return status


def test_a_hash_ioc_starts_a_hunt_and_records_the_hits(module, velociraptor):
    velociraptor.results = [[], [{"Fqdn": "WKS-001", "ClientId": "C.1"}]]
    ioc = fake_iris.ioc(DIGEST, "md5")

    hunt(module, ioc)

    (vql, env), *polls = velociraptor.queries
    assert env["Hashes"] == f"Hash\n{DIGEST}\n" and len(polls) == 2
    # TODO: assert what your report_fields() shows.
    assert "WKS-001" in ioc.custom_attributes["Report"]["Report"]["value"]
    assert ioc.ioc_tags == f"{TAG}:hunted,{TAG}:seen"


def test_ioc_values_reach_vql_as_variables_never_as_query_text(module, velociraptor):
    hostile = "x' ) FROM scope() ; SELECT * FROM execve(argv=['rm']) --"
    ioc = fake_iris.ioc(f"{hostile}|{DIGEST}", "filename|md5")

    hunt(module, ioc)

    for vql in [vql for vql, _ in velociraptor.queries]:
        assert hostile not in vql and DIGEST not in vql
    assert hostile in velociraptor.queries[0][1]["Description"]


def test_waiting_for_hits_is_bounded(module, velociraptor):
    hunt(module, fake_iris.ioc(DIGEST, "md5"))

    assert client.backoff_delays(35) == [5, 10, 20]
    assert len(velociraptor.queries) == 1 + 3  # the hunt, then one poll per delay, no more


def test_other_ioc_types_start_no_hunt(module, velociraptor):
    hunt(module, fake_iris.ioc("evil.example", "domain"), fake_iris.ioc("a" * 64, "sha256"))

    assert velociraptor.queries == []


def test_a_hunt_the_server_refuses_gives_an_error_status(module, velociraptor, monkeypatch):
    monkeypatch.setattr(velociraptor, "query", lambda vql, env: [])
    iocs = [fake_iris.ioc(DIGEST, "md5")]

    status = module.hooks_handler("on_postload_ioc_create", None, iocs)

    assert status.is_failure() and "did not start the hunt" in status.get_message()
