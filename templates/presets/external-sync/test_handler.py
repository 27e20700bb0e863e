"""Mirroring end to end: the module class, the handler and the client against a fake OpenCTI."""

import fake_iris
import pytest
from fake_service import FakeService

TOKEN = "opencti-token-0123456789"


class FakeOpenCTI:
    """OpenCTI's GraphQL mutations the client uses, with objects kept by id."""

    def __init__(self):
        self.objects = {}  # id -> {"type": ..., "fields": ..., "objects": [ids]}
        self.queries = []

    def graphql(self, body):
        query, variables = body["query"], body["variables"]
        self.queries.append(query)
        if "caseIncidentAdd" in query:
            case = variables["input"]
            return self.upsert(case["stix_id"], "Case-Incident", case, "caseIncidentAdd")
        if "stixCyberObservableAdd" in query:
            fields = variables[variables["type"].replace("-", "")]
            return self.upsert(variables["stix_id"], variables["type"], fields, "stixCyberObservableAdd")
        target = self.objects.get(variables["id"])
        if target is None:
            return 200, {"errors": [{"message": "Cannot find the object"}], "data": None}
        if "relationAdd" in query:
            target["objects"].append(variables["input"]["toId"])
            return 200, {"data": {"stixDomainObjectEdit": {"relationAdd": {"id": "relation"}}}}
        del self.objects[variables["id"]]
        return 200, {"data": {"edit": {"delete": variables["id"]}}}

    def upsert(self, object_id, object_type, fields, operation):
        known = self.objects.setdefault(object_id, {"type": object_type, "objects": []})
        known["fields"] = {key: value for key, value in fields.items() if key not in ("stix_id", "update")}
        return 200, {"data": {operation: {"id": object_id}}}


@pytest.fixture
def opencti():
    fake = FakeOpenCTI()
    with FakeService() as service:
        service.answer_posts("/graphql", fake.graphql)
        fake.service = service
        yield fake


@pytest.fixture
def make(make_module, opencti):
    return lambda **settings: make_module(opencti_url=opencti.service.url, api_token=TOKEN, retries=0, **settings)


def call(module, hook, *data):
    status = module.hooks_handler(hook, None, list(data))
    assert status.is_success(), status.get_message()
    return status


def test_a_case_is_mirrored_once_and_follows_its_updates(make, opencti):
    case = fake_iris.case("#7 - Phishing wave", description="first")

    call(make(), "on_postload_case_create", case)
    case.description = "second"
    call(make(), "on_postload_case_update", case)

    ((remote_id, remote),) = opencti.objects.items()
    assert remote["type"] == "Case-Incident"
    assert remote["fields"] == {"name": "#7 - Phishing wave", "description": "second"}
    assert case.custom_attributes["OpenCTI"]["id"]["value"] == remote_id
    assert all(headers["Authorization"] == f"Bearer {TOKEN}" for _, _, headers in opencti.service.requests)


def test_iocs_become_observables_by_exact_type(make, opencti):
    digest = "d41d8cd98f00b204e9800998ecf8427e"
    iocs = [fake_iris.ioc("203.0.113.7", "ip-dst"), fake_iris.ioc(digest, "md5", ioc_id=2),
            fake_iris.ioc("someone@example.org|x", "email-body", ioc_id=3)]  # fmt: skip

    call(make(), "on_postload_ioc_create", *iocs)
    call(make(), "on_postload_ioc_update", *iocs)

    # TODO: assert the observables your OBSERVABLES mapping makes of your IOC types.
    fields = sorted((remote["type"], str(remote["fields"])) for remote in opencti.objects.values())
    assert fields == [
        ("IPv4-Addr", "{'value': '203.0.113.7'}"),
        ("StixFile", "{'hashes': [{'algorithm': 'MD5', 'hash': '" + digest + "'}]}"),
    ]
    assert "OpenCTI" not in iocs[2].custom_attributes


def test_ioc_values_travel_as_variables_never_in_the_query(make, opencti):
    hostile = 'x" }) { delete } #'

    call(make(), "on_postload_ioc_create", fake_iris.ioc(hostile, "domain"))

    assert not any(hostile in query for query in opencti.queries)
    (remote,) = opencti.objects.values()
    assert remote["fields"] == {"value": hostile}


def test_assets_and_iris_2_5_iocs_are_listed_in_their_case(make, opencti):
    call(make(), "on_postload_case_create", fake_iris.case(case_id=3))

    call(make(), "on_postload_asset_create", fake_iris.asset("WKS-9", case_id=3, asset_description=""))
    call(make(), "on_postload_ioc_create", fake_iris.ioc("evil.example", "domain", case_id=3))

    (case,) = [remote for remote in opencti.objects.values() if remote["type"] == "Case-Incident"]
    assert len(case["objects"]) == 2


def test_a_deleted_case_is_deleted_in_opencti_from_its_id_alone(make, opencti):
    call(make(), "on_postload_case_create", fake_iris.case(case_id=9))

    call(make(), "on_postload_case_delete", 9)

    assert opencti.objects == {}


def test_a_deleted_ioc_is_kept_in_opencti_unless_asked(make, opencti):
    call(make(), "on_postload_ioc_create", fake_iris.ioc("evil.example", "domain", ioc_id=5))

    call(make(), "on_postload_ioc_delete", 5)
    assert len(opencti.objects) == 1

    call(make(delete_remote=True), "on_postload_ioc_delete", 5)
    assert opencti.objects == {}


def test_an_opencti_error_gives_an_error_status_without_the_token(make, opencti):
    ids = [4]

    status = make().hooks_handler("on_postload_case_delete", None, ids)  # OpenCTI has no such case

    assert status.is_failure() and "Cannot find the object" in status.get_message()
    assert status.get_data() is ids
    assert TOKEN not in status.get_message() + "".join(status.get_logs())
