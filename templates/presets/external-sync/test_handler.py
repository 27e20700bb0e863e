"""Mirroring end to end: the hook table, the handler and the client against a fake OpenCTI as strict as OpenCTI."""

import importlib
import json
import logging
import subprocess
import sys
import urllib.request
from pathlib import Path

import fake_iris
import pytest
from fake_opencti import FakeOpenCTI, Running, syntax_problem

TOKEN = "opencti-token-0123456789"
DIGEST = "d41d8cd98f00b204e9800998ecf8427e"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.fixture
def opencti():
    fake = FakeOpenCTI(token=TOKEN)
    with Running(fake) as url:
        fake.url = url
        yield fake


@pytest.fixture
def make(make_module, opencti):
    return lambda **settings: make_module(opencti_url=opencti.url, api_token=TOKEN, retries=0, **settings)


@pytest.fixture
def mirrored_case(make):
    """Case 1, mirrored first: where an IOC carries its case (ioc.case_id), it is listed in that case's incident."""
    return call(make(), "on_postload_case_create", held())


def held(name="#1 - Example case", **attributes):
    """A case as hooks carry it, held in the fake IRIS's database too (where the module reads a case it mirrors late)."""
    return fake_iris.host.add_case(fake_iris.case(name, **attributes))


def linked(ioc, *case_ids):
    """The IOC in IRIS cases ``case_ids``, as the IRIS line ties them: IocLink rows in 2.4, ``case_id`` after."""
    return fake_iris.host.link(ioc, *case_ids)


def run(module, hook, *data):
    """Run the hook's handler function, from the module's hook table, on ``data``; the Context it got.

    The Context is built here rather than inside hooks_handler so that the test reads which objects
    failed; the glue's own tests cover how failures become IRIS's status.
    """
    row = next(row for row in module.hooks if row.name == hook)
    context = module.context(hook=hook)
    assert row.handler(list(data), context) == list(data)
    return context


def call(module, hook, *data):
    """Run the hook and expect every object to succeed."""
    context = run(module, hook, *data)
    assert context.failures == []
    return context


def observable(opencti, value):
    (found,) = [obj for obj in opencti.observables() if obj.get("value") == value or obj.get("name") == value]
    return found


def case_of(opencti, name):
    (found,) = [case for case in opencti.cases() if case["name"] == name]
    return found


def listed(opencti, case):
    return sorted(opencti.objects[object_id].get("value") for object_id in case["objects"])


def tab_id(obj):
    return obj.custom_attributes["OpenCTI"]["id"]["value"]


def test_a_case_is_mirrored_once_and_follows_its_updates_cleared_description_included(make, opencti):
    case = held("#7 - Phishing wave", description="first")

    call(make(), "on_postload_case_create", case)
    case.description = "second"
    call(make(), "on_postload_case_update", case)
    (remote,) = opencti.cases()
    assert (remote["name"], remote["description"]) == ("#7 - Phishing wave", "second")

    case.description = ""
    call(make(), "on_postload_case_update", case)

    assert opencti.cases() == [remote] and remote["description"] == ""
    assert tab_id(case) == remote["id"]  # OpenCTI's own id, not the STIX id the module chose
    assert not tab_id(case).startswith("case-incident--")
    assert all(request["query"].lstrip().startswith(("query", "mutation")) for request in opencti.requests)


def test_each_request_carries_the_token_and_a_wrong_token_is_an_error(make, make_module, opencti):
    call(make(), "on_postload_case_create", held())

    wrong = make_module(opencti_url=opencti.url, api_token="not-the-token", retries=0)
    context = run(wrong, "on_postload_case_create", held(case_id=2))

    ((label, message),) = context.failures
    assert label == "case '#1 - Example case'"
    assert "You must be logged in" in message and "not-the-token" not in message


def test_iocs_become_observables_by_exact_type(make, opencti, mirrored_case):
    iocs = [fake_iris.ioc("203.0.113.7", "ip-dst"), fake_iris.ioc(DIGEST, "md5", ioc_id=2),
            fake_iris.ioc("someone@example.org|x", "email-body", ioc_id=3)]  # fmt: skip

    call(make(), "on_postload_ioc_create", *iocs)
    call(make(), "on_postload_ioc_update", *iocs)

    # TODO: assert the observables your OBSERVABLES mapping makes of your IOC types.
    kept = sorted((obj["entity_type"], obj.get("value") or obj["hashes"]) for obj in opencti.observables())
    assert kept == [("IPv4-Addr", "203.0.113.7"), ("StixFile", {"MD5": DIGEST})]
    assert "OpenCTI" not in iocs[2].custom_attributes


def test_an_ip_address_becomes_ipv4_or_ipv6_by_its_value(make, opencti, mirrored_case):
    iocs = [fake_iris.ioc("2001:db8::7", "ip-src"), fake_iris.ioc("198.51.100.0/24", "ip-dst", ioc_id=2)]

    call(make(), "on_postload_ioc_create", *iocs)

    assert observable(opencti, "2001:db8::7")["entity_type"] == "IPv6-Addr"
    assert observable(opencti, "198.51.100.0/24")["entity_type"] == "IPv4-Addr"


def test_a_file_name_and_hash_become_one_file(make, opencti, mirrored_case):
    call(make(), "on_postload_ioc_create", fake_iris.ioc(f"invoice.pdf.exe|{SHA256}", "filename|sha256"))

    (file,) = opencti.observables()
    assert (file["entity_type"], file["name"], file["hashes"]) == ("StixFile", "invoice.pdf.exe", {"SHA-256": SHA256})


def test_ioc_values_travel_as_variables_never_in_the_query(make, opencti, mirrored_case):
    hostile = 'https://example.org/x" }) { delete } #'

    call(make(), "on_postload_ioc_create", fake_iris.ioc(hostile, "url"))

    assert not any(hostile in request["query"] for request in opencti.requests)
    assert observable(opencti, hostile)["entity_type"] == "Url"


def test_values_opencti_would_refuse_are_reported_each_and_the_others_go_on(make, opencti, mirrored_case):
    bad = [("WKS 9", "hostname"), ('evil".example', "domain"), ("bücher.example", "domain"), ("300.1.2.3", "ip-dst"),
           ("not-an-ip", "ip-src"), ("xyz", "md5"), ("someone@", "email-src"), ("  ", "url")]  # fmt: skip
    good = [("wks-9", "hostname"), ("evil.example", "domain"), ("203.0.113.9", "ip-dst")]
    iocs = [fake_iris.ioc(value, type_name, ioc_id=number) for number, (value, type_name) in enumerate(bad + good)]

    context = run(make(), "on_postload_ioc_create", *iocs)

    assert [label for label, _ in context.failures] == [f"IOC {value!r}" for value, _ in bad]
    assert all("ValueError" in message for _, message in context.failures), context.failures
    assert opencti.refused == []  # each was caught before OpenCTI had to refuse it
    assert sorted(obj["value"] for obj in opencti.observables()) == sorted(value for value, _ in good)


TRICKY = ["evil.example", "evil.example.", "-evil.example", "ev_il.example", "evil..example", "wks 9", 'x"y', "a\\b",
          "bücher.example", "xn--bcher-kva.example", "203.0.113.7", "999.1.1.1", "01.2.3.4", "1.2.3.4/33",
          "2001:db8::1", "2001:db8::1/129", "::ffff:1.2.3.4", "a@b.example", "a@@b", "a@" + "x" * 64 + ".example",
          "", " ", "evil.example\n", DIGEST, DIGEST + "0", "invoice.pdf|" + SHA256]  # fmt: skip


@pytest.mark.parametrize(
    ("observable_type", "iris_type"),
    [("Domain-Name", "domain"), ("Hostname", "hostname"), ("IPv4-Addr", "ip-dst"), ("Email-Addr", "email-src"),
     ("StixFile", "md5"), ("StixFile", "filename|sha256")],
)  # fmt: skip
def test_a_value_the_client_lets_through_is_one_opencti_takes(package, observable_type, iris_type):
    client = importlib.import_module(f"{package.__name__}.client")
    for value in TRICKY:
        try:
            chosen, fields = client.observable(observable_type, iris_type, value)
        except ValueError:
            continue
        hashes = {entry["algorithm"]: entry["hash"] for entry in fields.get("hashes", [])}
        assert syntax_problem(chosen, {**fields, "hashes": hashes}) is None, value


def test_a_changed_value_moves_the_ioc_and_the_shared_observable_keeps_its_value(make, opencti):
    call(make(), "on_postload_case_create", held("#3", case_id=3), held("#4", case_id=4))
    mine = linked(fake_iris.ioc("evil.example", "domain", ioc_id=1), 3)
    theirs = linked(fake_iris.ioc("evil.example", "domain", ioc_id=2), 4)
    call(make(), "on_postload_ioc_create", mine, theirs)
    shared = observable(opencti, "evil.example")

    mine.ioc_value = "other.example"
    call(make(), "on_postload_ioc_update", mine)

    assert opencti.renamed == [] and opencti.merged == []
    assert observable(opencti, "evil.example") is shared
    assert listed(opencti, case_of(opencti, "#4")) == ["evil.example"]
    assert listed(opencti, case_of(opencti, "#3")) == ["other.example"]
    assert tab_id(mine) == observable(opencti, "other.example")["id"]


def test_a_value_changed_to_one_that_exists_joins_it_and_merges_nothing(make, opencti, mirrored_case):
    first = linked(fake_iris.ioc("a.example", "domain", ioc_id=1), 1)
    second = linked(fake_iris.ioc("b.example", "domain", ioc_id=2), 1)
    call(make(), "on_postload_ioc_create", first, second)

    first.ioc_value = "b.example"
    call(make(), "on_postload_ioc_update", first)

    assert opencti.merged == [] and opencti.renamed == []
    assert sorted(obj["value"] for obj in opencti.observables()) == ["a.example", "b.example"]
    assert observable(opencti, "a.example")["x_opencti_stix_ids"] == []  # the IOC's alias left it
    assert len(observable(opencti, "b.example")["x_opencti_stix_ids"]) == 2
    assert listed(opencti, case_of(opencti, fake_iris.case().name)) == ["b.example"]


def test_a_changed_type_leaves_no_orphan(make, opencti):
    call(make(), "on_postload_case_create", held("#3", case_id=3))
    ioc = linked(fake_iris.ioc("198.51.100.1", "ip-dst", ioc_id=1), 3)
    call(make(), "on_postload_ioc_create", ioc)

    ioc.ioc_value, ioc.ioc_type.type_name = "evil.example", "domain"
    call(make(), "on_postload_ioc_update", ioc)

    assert observable(opencti, "198.51.100.1")["x_opencti_stix_ids"] == []
    assert listed(opencti, case_of(opencti, "#3")) == ["evil.example"]

    call(make(delete_remote=True), "on_postload_ioc_delete", 1)

    assert listed(opencti, case_of(opencti, "#3")) == []
    assert all(obj["x_opencti_stix_ids"] == [] for obj in opencti.observables())
    assert len(case_of(opencti, "#3")["x_opencti_stix_ids"]) == 1  # its own alias; the IOC's went


def test_a_deleted_ioc_leaves_its_case_and_its_shared_observable_stays(make, opencti):
    call(make(), "on_postload_case_create", held("#3", case_id=3), held("#4", case_id=4))
    call(make(), "on_postload_ioc_create", linked(fake_iris.ioc("evil.example", "domain", ioc_id=5), 3),
         linked(fake_iris.ioc("evil.example", "domain", ioc_id=6), 4))  # fmt: skip

    call(make(), "on_postload_ioc_delete", 5)
    assert listed(opencti, case_of(opencti, "#3")) == ["evil.example"]  # delete_remote is off

    call(make(delete_remote=True), "on_postload_ioc_delete", 5)

    assert listed(opencti, case_of(opencti, "#3")) == []
    assert listed(opencti, case_of(opencti, "#4")) == ["evil.example"]
    assert len(observable(opencti, "evil.example")["x_opencti_stix_ids"]) == 1  # IOC 6's alias


def test_a_deleted_ioc_leaves_the_observable_in_its_case_while_an_asset_of_the_case_is_it(make, opencti):
    call(make(), "on_postload_case_create", held("#3", case_id=3))
    call(make(), "on_postload_asset_create", fake_iris.asset("wks-9", asset_id=1, case_id=3, asset_description=""))
    call(make(), "on_postload_ioc_create", linked(fake_iris.ioc("wks-9", "hostname", ioc_id=7), 3))

    call(make(delete_remote=True), "on_postload_ioc_delete", 7)
    assert listed(opencti, case_of(opencti, "#3")) == ["wks-9"]

    call(make(delete_remote=True), "on_postload_asset_delete", 1)
    assert listed(opencti, case_of(opencti, "#3")) == []
    assert observable(opencti, "wks-9")["x_opencti_stix_ids"] == []


def test_deleting_what_was_never_mirrored_succeeds_and_says_so(make, opencti, caplog):
    caplog.set_level(logging.INFO)  # as IRIS's worker logs

    call(make(), "on_postload_case_delete", 4)
    call(make(delete_remote=True), "on_postload_ioc_delete", 8)

    assert sum("never mirrored to OpenCTI, nothing to" in message for message in caplog.messages) == 2


def test_a_deleted_case_is_deleted_in_opencti_and_its_observables_stay(make, opencti):
    call(make(), "on_postload_case_create", held(case_id=9))
    call(make(), "on_postload_asset_create", fake_iris.asset("wks-1", case_id=9, asset_description=""))

    call(make(), "on_postload_case_delete", 9)

    assert opencti.cases() == []
    assert [obj["value"] for obj in opencti.observables()] == ["wks-1"]


# Answers OpenCTI does not give, each to the first request of a hook (the others go to the fake): what a
# proxy, a login page, another version or Apollo's HTTP layer may send. Apollo answers a request it cannot
# read with 400 and GraphQL errors; OpenCTI turns errors found later into a 200 (httpResponsePlugin.js).
# For each: the hook, the status and body sent, what the module's message must hold.
ODD_ANSWERS = {
    "a body that is not JSON": ("case", 200, "<html>Sign in</html>", "with a body that is not JSON: '<html>Sign in</html>'"),
    "JSON that is not an object": ("case", 200, "[1]", "without data.caseIncidentAdd: '[1]'"),
    "no data": ("case", 200, "{}", "without data.caseIncidentAdd: '{}'"),
    "null data": ("case", 200, '{"data": null}', """without data.caseIncidentAdd: '{"data": null}'"""),
    "a null object": ("case", 200, '{"data": {"caseIncidentAdd": null}}', "caseIncidentAdd with None, not an object"),
    "an object without its id": (
        "case", 200, '{"data": {"caseIncidentAdd": {"description": "x"}}}',
        "caseIncidentAdd with {'description': 'x'}, not an object with an id",
    ),
    "errors that are text": ("case", 200, '{"errors": "boom", "data": null}', "OpenCTI refused caseIncidentAdd: boom"),
    "GraphQL errors in a 400": (
        "case", 400, '{"errors": [{"message": "Bad input", "extensions": {"code": "BAD_REQUEST"}}]}',
        "OpenCTI refused caseIncidentAdd (HTTP 400): Bad input (BAD_REQUEST)",
    ),
    "an error page": ("case", 502, "<html>Bad Gateway</html>", "answered HTTP 502 Bad Gateway: '<html>Bad Gateway</html>'"),
    "a lookup answered with text": (
        "case_delete", 200, '{"data": {"caseIncident": "abc"}}', "caseIncident with 'abc', not an object with an id",
    ),
    "aliases that are not a list": (
        "ioc_delete", 200, '{"data": {"stixCyberObservable": {"id": "x", "x_opencti_stix_ids": "abc"}}}',
        "stixCyberObservable.x_opencti_stix_ids with 'abc', not a list of STIX ids",
    ),
}  # fmt: skip
HOOK_CALLS = {
    "case": ("on_postload_case_create", fake_iris.case()),
    "case_delete": ("on_postload_case_delete", 1),
    "ioc_delete": ("on_postload_ioc_delete", 1),
}


@pytest.mark.parametrize("case", ODD_ANSWERS)
def test_an_answer_of_another_shape_is_named_with_what_came(make, opencti, case):
    hook, status, body, expected = ODD_ANSWERS[case]
    opencti.scripted.append((status, body))

    context = run(make(delete_remote=True), *HOOK_CALLS[hook])

    ((_, message),) = context.failures
    assert message.startswith("OpenCTIError: OpenCTI") and expected in message, message
    assert opencti.scripted == []


def test_a_token_echoed_back_is_masked_before_the_answer_is_cut_short(make, opencti):
    opencti.scripted.append((502, "x" * 80 + f"Authorization: Bearer {TOKEN}"))  # the cut falls in the token

    context = run(make(), "on_postload_case_create", held())

    ((_, message),) = context.failures
    assert "HTTP 502" in message and TOKEN[:8] not in message


def test_a_permission_error_is_reported_not_taken_for_a_missing_object(make, opencti):
    call(make(), "on_postload_case_create", held(case_id=9))
    call(make(), "on_postload_ioc_create", linked(fake_iris.ioc("evil.example", "domain", ioc_id=5), 9))
    opencti.capabilities -= {"KNOWLEDGE", "KNOWLEDGE_KNUPDATE_KNDELETE"}

    ioc_delete = run(make(delete_remote=True), "on_postload_ioc_delete", 5)
    case_delete = run(make(), "on_postload_case_delete", 9)

    for context, label in ((ioc_delete, "ioc 5"), (case_delete, "case 9")):
        ((failed, message),) = context.failures
        assert failed == label and "You are not allowed to do this. (FORBIDDEN_ACCESS)" in message
        assert TOKEN not in message
    assert len(opencti.cases()) == 1 and listed(opencti, opencti.cases()[0]) == ["evil.example"]


def test_an_object_of_a_case_never_mirrored_mirrors_the_case_first_from_iris(make, opencti, caplog):
    caplog.set_level(logging.INFO)  # as IRIS's worker logs
    late = held("#5 - Opened before the module", case_id=5, description="Seen on the mail gateway")
    ioc = linked(fake_iris.ioc("evil.example", "domain", ioc_id=3), 5)

    call(make(), "on_postload_asset_create", fake_iris.asset("wks-2", asset_id=2, case_id=5, asset_description=""))
    call(make(), "on_postload_ioc_create", ioc)

    (incident,) = opencti.cases()  # mirrored once, by the first object
    assert (incident["name"], incident["description"]) == ("#5 - Opened before the module", "Seen on the mail gateway")
    assert listed(opencti, incident) == ["evil.example", "wks-2"]
    assert tab_id(late) == incident["id"]
    assert sum("mirrored to OpenCTI first" in message for message in caplog.messages) == 1


def test_an_object_of_a_case_iris_does_not_hold_is_reported_and_the_others_go_on(make, opencti):
    call(make(), "on_postload_case_create", held("#1", case_id=1))
    orphan = fake_iris.asset("wks-2", asset_id=2, case_id=5, asset_description="")
    mirrored = fake_iris.asset("wks-3", asset_id=3, case_id=1, asset_description="")

    context = run(make(), "on_postload_asset_create", orphan, mirrored)

    ((label, message),) = context.failures
    assert label == "asset 'wks-2'" and "IRIS has no case 5" in message
    assert [case["name"] for case in opencti.cases()] == ["#1"]
    assert listed(opencti, case_of(opencti, "#1")) == ["wks-3"]
{%- if not iris().iocs_belong_to_one_case %}


def test_an_ioc_is_listed_in_every_case_iris_links_it_to_and_its_listings_follow_it(make, opencti, iris, caplog):
    caplog.set_level(logging.INFO)  # as IRIS's worker logs
    # IRIS 2.4 keeps one IOC row per value and type, linked to each case that has it (IocLink).
    held("#3", case_id=3), held("#4", case_id=4), held("#5", case_id=5)
    ioc = linked(fake_iris.ioc("evil.example", "domain", ioc_id=7), 3, 4)
    call(make(), "on_postload_ioc_create", ioc)
    assert [listed(opencti, case_of(opencti, name)) for name in ("#3", "#4")] == [["evil.example"]] * 2

    ioc.ioc_value = "other.example"
    iris.unlink(7, 4)  # IRIS fires no hook for it: the next update takes the IOC out of #4
    linked(ioc, 5)
    call(make(), "on_postload_ioc_update", ioc)

    assert [listed(opencti, case_of(opencti, name)) for name in ("#3", "#4", "#5")] == [
        ["other.example"], [], ["other.example"]
    ]  # fmt: skip
    assert observable(opencti, "evil.example")["x_opencti_stix_ids"] == []

    iris.unlink(7, 3), iris.unlink(7, 5)  # the last link gone, IRIS deletes the IOC and fires the hook
    call(make(delete_remote=True), "on_postload_ioc_delete", 7)

    assert all(listed(opencti, case) == [] for case in opencti.cases())
    assert all(len(case["x_opencti_stix_ids"]) == 1 for case in opencti.cases())  # each its own alias only
    (said,) = [message for message in caplog.messages if message.startswith("ioc 7: taken out of incident case(s) ")]
    taken = said.removeprefix("ioc 7: taken out of incident case(s) ").removesuffix("; the observable stays")
    assert sorted(taken.split(", ")) == sorted(case_of(opencti, name)["id"] for name in ("#3", "#5"))
    assert observable(opencti, "other.example")["x_opencti_stix_ids"] == []
{%- endif %}


def test_a_description_emptied_by_an_update_is_emptied_but_a_new_ioc_keeps_a_shared_one(make, opencti, mirrored_case):
    ioc = fake_iris.ioc("evil.example", "domain", ioc_description="C2 of the campaign")
    call(make(), "on_postload_ioc_create", ioc)
    call(make(), "on_postload_ioc_create", fake_iris.ioc("evil.example", "domain", ioc_id=2))
    assert observable(opencti, "evil.example")["x_opencti_description"] == "C2 of the campaign"

    ioc.ioc_description = ""
    call(make(), "on_postload_ioc_update", ioc)

    assert observable(opencti, "evil.example")["x_opencti_description"] == ""


# The fake's own claims about OpenCTI, each from OpenCTI's source (see fake_opencti.py).
def ask(fake, query, **variables):
    return fake.answer({"query": query, "variables": variables}, f"Bearer {fake.token}")


ADD_DOMAIN = """
mutation Add($type: String!, $stix_id: StixId, $DomainName: DomainNameAddInput) {
  stixCyberObservableAdd(type: $type, stix_id: $stix_id, DomainName: $DomainName) { id x_opencti_stix_ids }
}"""
FIND = "query Find($id: String!) { stixCyberObservable(id: $id) { id } }"
RELATE = """
mutation Relate($id: ID!, $input: StixRefRelationshipAddInput!) {
  stixDomainObjectEdit(id: $id) { relationAdd(input: $input) { id } }
}"""
ALIAS_1 = "domain-name--6b3f2b64-5c1c-4a4e-9a55-0d7b8a1e2f01"
ALIAS_2 = "domain-name--6b3f2b64-5c1c-4a4e-9a55-0d7b8a1e2f02"


def test_the_fake_keeps_one_observable_per_value_with_each_stix_id_as_an_alias():
    fake = FakeOpenCTI()

    first = ask(fake, ADD_DOMAIN, type="Domain-Name", stix_id=ALIAS_1, DomainName={"value": "evil.example"})
    second = ask(fake, ADD_DOMAIN, type="Domain-Name", stix_id=ALIAS_2, DomainName={"value": "evil.example"})

    created = first["data"]["stixCyberObservableAdd"]
    assert second["data"]["stixCyberObservableAdd"] == {"id": created["id"], "x_opencti_stix_ids": [ALIAS_1, ALIAS_2]}
    assert not created["id"].startswith("domain-name--")
    assert ask(fake, FIND, id=ALIAS_2)["data"]["stixCyberObservable"] == {"id": created["id"]}


def test_the_fake_renames_or_merges_as_opencti_does_when_an_alias_names_another_value():
    fake = FakeOpenCTI()
    ask(fake, ADD_DOMAIN, type="Domain-Name", stix_id=ALIAS_1, DomainName={"value": "a.example"})
    ask(fake, ADD_DOMAIN, type="Domain-Name", DomainName={"value": "b.example"})

    ask(fake, ADD_DOMAIN, type="Domain-Name", stix_id=ALIAS_1, DomainName={"value": "c.example"})
    ask(fake, ADD_DOMAIN, type="Domain-Name", stix_id=ALIAS_1, DomainName={"value": "b.example"})

    assert [(old, new) for _, old, new in fake.renamed] == [("a.example", "c.example")]
    assert len(fake.merged) == 1 and len(fake.observables()) == 1


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"type": "Domain-Name", "DomainName": {"value": "two words.example"}}, "Observable is not correctly formatted"),
        ({"type": "Domain-Name", "stix_id": "evil.example", "DomainName": {"value": "e.example"}}, "not a valid STIX ID"),
        ({"type": "Domain-Name", "stix_id": "domain-name--1234", "DomainName": {"value": "e.example"}}, "UUID not valid"),
    ],
)  # fmt: skip
def test_the_fake_refuses_what_opencti_refuses(variables, message):
    answer = ask(FakeOpenCTI(), ADD_DOMAIN, **variables)

    assert message in answer["errors"][0]["message"] and answer["data"] is None


def test_the_fake_tells_not_found_from_forbidden():
    fake = FakeOpenCTI()
    assert ask(fake, FIND, id=ALIAS_1) == {"data": {"stixCyberObservable": None}}
    relation = {"toId": "9c5b94b1-35ad-49bb-b118-8e8fc137f8e3", "relationship_type": "object"}
    unknown_case = "case-incident--9c5b94b1-35ad-49bb-b118-8e8fc137f8e3"
    (error,) = ask(fake, RELATE, id=unknown_case, input=relation)["errors"]
    assert error["message"] == "Cannot add the relation, Stix-Domain-Object cannot be found."

    fake.capabilities.clear()

    assert ask(fake, FIND, id=ALIAS_1)["errors"][0]["extensions"] == {"code": "FORBIDDEN_ACCESS"}


def test_the_fake_runs_alone_as_a_local_server(tmp_path):
    record = tmp_path / "requests.jsonl"
    script = Path(__file__).with_name("fake_opencti.py")
    environment = {"FAKE_OPENCTI_RECORD": str(record), "PATH": ""}
    server = subprocess.Popen([sys.executable, str(script), "--port", "0", "--token", TOKEN], stdout=subprocess.PIPE,
                              text=True, env=environment)  # fmt: skip
    try:
        url = server.stdout.readline().split()[-1]
        body = json.dumps({"query": FIND, "variables": {"id": ALIAS_1}}).encode()
        request = urllib.request.Request(
            url, body, {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.load(answer) == {"data": {"stixCyberObservable": None}}
        with urllib.request.urlopen(url.replace("/graphql", "/fake/state"), timeout=10) as answer:
            assert json.load(answer) == []
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert [json.loads(line)["query"] for line in record.read_text().splitlines()] == [FIND]


def test_an_asset_follows_its_updates_its_description_emptied_and_its_new_name_moved_to(make, opencti, mirrored_case):
    asset = fake_iris.asset("wks-1", asset_id=4, case_id=1, asset_description="Finance laptop")
    call(make(), "on_postload_asset_create", asset)
    first = observable(opencti, "wks-1")
    assert first["x_opencti_description"] == "Finance laptop" and tab_id(asset) == first["id"]

    asset.asset_description = ""
    call(make(), "on_postload_asset_update", asset)
    assert observable(opencti, "wks-1")["x_opencti_description"] == ""

    first["x_opencti_stix_ids"] = []  # its alias removed in OpenCTI: the id in its tab still finds it
    asset.asset_name = "wks-1b"
    call(make(), "on_postload_asset_update", asset)

    assert listed(opencti, case_of(opencti, fake_iris.case().name)) == ["wks-1b"]
    assert tab_id(asset) == observable(opencti, "wks-1b")["id"]


def test_a_deleted_case_that_was_mirrored_says_nothing_of_never_mirrored(make, opencti, caplog):
    caplog.set_level(logging.INFO)  # as IRIS's worker logs
    call(make(), "on_postload_case_create", held(case_id=9))

    call(make(), "on_postload_case_delete", 9)

    assert opencti.cases() == [] and not any("never mirrored" in message for message in caplog.messages)


def test_what_opencti_sends_is_quoted_short_with_the_token_masked(package):
    client = importlib.import_module(f"{package.__name__}.client")
    session = type("Session", (), {"headers": {}})

    def quoted(token, text):
        return client.OpenCTI(session(), "https://opencti.example", token).quoted(type("Response", (), {"text": text}))

    assert quoted(TOKEN, f"Bearer {TOKEN}") == "'Bearer ********'"
    assert quoted("", "no token") == "'no token'"
    assert client.shown("x" * 118) == repr("x" * 118)  # 120 characters with its quotes
    assert client.shown("x" * 119) == "'" + "x" * 116 + "..."


def test_a_graphql_error_is_shown_by_its_message_and_its_code_if_any(package):
    client = importlib.import_module(f"{package.__name__}.client")

    assert client.describe({"message": "Bad input", "extensions": {"code": "BAD_REQUEST"}}) == "Bad input (BAD_REQUEST)"
    assert client.describe({"message": "Bad input"}) == "Bad input"
    assert client.describe({"message": "Bad input", "extensions": "odd"}) == "Bad input"
    assert client.describe("boom") == "boom"


def test_a_value_opencti_would_refuse_is_named_with_the_rule(package):
    client = importlib.import_module(f"{package.__name__}.client")

    with pytest.raises(ValueError) as not_an_address:
        client.ip_type("300.1.2.3")
    with pytest.raises(ValueError) as not_hex:
        client.file_fields("MD5", "X" * 32)

    assert str(not_an_address.value) == "'300.1.2.3' is not an IP address or CIDR network: OpenCTI refuses it"
    assert str(not_hex.value) == f"'{'X' * 32}' is not a MD5 hash: OpenCTI takes 32 hex digits"
    assert client.file_fields("MD5", DIGEST.upper()) == {"hashes": [{"algorithm": "MD5", "hash": DIGEST.upper()}]}


@pytest.mark.parametrize(
    ("observable_type", "value", "message"),
    [
        ("Url", "  ", "the value is empty: OpenCTI refuses an empty Url"),
        ("Domain-Name", "evil example", "'evil example' is not a valid Domain-Name: OpenCTI takes only letters, digits,"
         " hyphens in dot-separated names (no spaces, quotes or other characters; write an international name in its"
         " xn-- form)"),
        ("Hostname", "wks 9", "'wks 9' is not a valid Hostname: OpenCTI takes only letters, digits, hyphens and"
         " underscores in dot-separated names (no spaces, quotes or other characters; write an international name in"
         " its xn-- form)"),
        ("Email-Addr", "someone@", "'someone@' is not a valid Email-Addr: OpenCTI takes only letters, digits, hyphens"
         " in dot-separated names after a local part and @ (no spaces, quotes or other characters; write an"
         " international name in its xn-- form)"),
    ],
)  # fmt: skip
def test_a_value_opencti_would_refuse_is_named_with_the_rule_of_its_type(package, observable_type, value, message):
    client = importlib.import_module(f"{package.__name__}.client")

    with pytest.raises(ValueError) as raised:
        client.observable(observable_type, "iris-type", value)

    assert str(raised.value) == message


def test_the_alias_of_an_object_on_its_observable_names_the_observables_type(make, opencti, mirrored_case):
    iocs = [fake_iris.ioc("evil.example", "domain"), fake_iris.ioc(DIGEST, "md5", ioc_id=2)]

    call(make(), "on_postload_ioc_create", *iocs)

    kinds = {obj["entity_type"]: [alias.partition("--")[0] for alias in obj["x_opencti_stix_ids"]]
             for obj in opencti.observables()}  # fmt: skip
    assert kinds == {"Domain-Name": ["domain-name"], "StixFile": ["file"]}


def test_each_delete_says_what_became_of_the_object(make, opencti, mirrored_case, caplog):
    caplog.set_level(logging.INFO)  # as IRIS's worker logs
    iocs = [linked(fake_iris.ioc(value, "domain", ioc_id=number), 1) for number, value in ((5, "a.eu"), (6, "b.eu"))]
    call(make(), "on_postload_ioc_create", *iocs)
    incident = case_of(opencti, fake_iris.case().name)["id"]

    call(make(), "on_postload_ioc_delete", 5)
    call(make(delete_remote=True), "on_postload_ioc_delete", 5)
    call(make(), "on_postload_case_delete", 1)  # IOC 6's observable is in no incident case now
    call(make(delete_remote=True), "on_postload_ioc_delete", 6)

    assert [message for message in caplog.messages if message.startswith("ioc ")] == [
        "ioc [5] deleted in IRIS; kept in OpenCTI (delete_remote is off)",
        f"ioc 5: taken out of incident case(s) {incident}; the observable stays",
        f"ioc 6: was in no incident case; its observable {observable(opencti, 'b.eu')['id']} stays",
    ]


class Answers:
    """An HTTP session whose every POST OpenCTI answers with ``body`` (the session is the response too); what was
    posted is kept."""

    ok, status_code = True, 200

    def __init__(self, body):
        self.headers, self.text, self.sent, self.urls = {}, body, [], []

    def post(self, url, **request):
        self.sent.append(request["json"])
        self.urls.append(url)
        return self

    def json(self):
        return json.loads(self.text)


def test_the_cases_of_an_observable_are_read_bounded_of_one_type_and_none_once_it_is_gone(package):
    client = importlib.import_module(f"{package.__name__}.client")
    session = Answers('{"data": {"stixCyberObservable": null}}')  # deleted in OpenCTI since it was found

    cases = client.OpenCTI(session, "https://opencti.example", TOKEN).listings("ioc", 5, {"id": "obs-1"})

    assert cases == []
    assert session.sent[0]["variables"] == {"id": "obs-1", "first": 1000, "types": ["Case-Incident"]}


@pytest.mark.parametrize(
    ("edge", "valid"),
    [
        ({"node": {"id": "c1"}}, True),
        ({"node": {"id": "c1", "x_opencti_stix_ids": ["case-incident--1"]}}, True),
        ({"node": {"id": "c1", "x_opencti_stix_ids": "case-incident--1"}}, False),
        ({"node": {"id": "c1", "x_opencti_stix_ids": [1]}}, False),
        ({"node": {"id": ""}}, False),
        ({"node": {"id": 7}}, False),
        ({"node": "c1"}, False),
        ("c1", False),
    ],
)
def test_an_edge_is_valid_with_a_node_that_has_an_id_and_a_list_of_aliases_if_any(package, edge, valid):
    client = importlib.import_module(f"{package.__name__}.client")

    assert client.valid_node(edge) is valid


@pytest.mark.parametrize(
    "containers", [{"edges": [{"node": {"id": "c1"}}, {"node": {"id": ""}}]}, {"edges": "c1"}, None]
)
def test_cases_of_another_shape_are_named_with_what_came(package, containers):
    client = importlib.import_module(f"{package.__name__}.client")
    answer = {"data": {"stixCyberObservable": {"id": "obs-1", "containers": containers}}}
    opencti = client.OpenCTI(Answers(json.dumps(answer)), "https://opencti.example", TOKEN)

    with pytest.raises(client.OpenCTIError) as raised:
        opencti.listings("ioc", 5, {"id": "obs-1"})

    assert str(raised.value) == (
        f"OpenCTI answered stixCyberObservable.containers with {containers!r}, not a list of edges of objects with an id"
    )


def test_an_ioc_updated_in_place_is_upserted_and_gets_no_alias_nor_listing_again(make, opencti, mirrored_case):
    ioc = linked(fake_iris.ioc("evil.example", "domain", ioc_id=1), 1)
    call(make(), "on_postload_ioc_create", ioc)
    sent = len(opencti.requests)

    call(make(), "on_postload_ioc_update", ioc)

    again = [request["query"] for request in opencti.requests[sent:]]
    assert not any(name in query for query in again for name in ("PatchCase", "PatchObservable", "RemoveFromCase"))
    added = [request for request in opencti.requests if "AddObservable" in request["query"]][-1]
    assert added["variables"]["update"] is True  # an upsert: the observable of the value, updated if it exists
    assert listed(opencti, case_of(opencti, fake_iris.case().name)) == ["evil.example"]


def test_an_ioc_of_a_type_not_mapped_is_skipped_and_the_next_one_mirrored(make, opencti, mirrored_case):
    skipped, mapped = fake_iris.ioc("x", "email-body"), fake_iris.ioc("evil.example", "domain", ioc_id=2)

    call(make(), "on_postload_ioc_create", skipped, mapped)

    assert [obj["value"] for obj in opencti.observables()] == ["evil.example"]


def test_the_ids_an_object_is_known_by_in_opencti_never_change(package):
    # Fixed for good: another id would orphan, in OpenCTI, every object mirrored before.
    client = importlib.import_module(f"{package.__name__}.client")

    assert client.case_stix_id(1) == "case-incident--10005aae-9c08-5483-8448-f58e79d596a5"
    assert client.observable_stix_id("Domain-Name", "ioc", 1) == "domain-name--eaec3adf-6c5a-5556-acdd-f7db59e7b6e7"
    listing = client.listing_stix_id(client.iris_uuid("ioc", 1), "abc")
    assert listing == "case-incident--155a840b-44ae-5a4f-9357-35ca1cd8895b"


def test_an_address_ending_with_a_slash_reaches_graphql_and_a_case_is_upserted(make_module, opencti):
    case = held()

    call(make_module(opencti_url=opencti.url + "/", api_token=TOKEN, retries=0), "on_postload_case_create", case)

    (added,) = [request for request in opencti.requests if "AddCase" in request["query"]]
    assert added["variables"]["input"]["update"] is True  # the incident case of the IRIS case, updated if it exists
    assert case.custom_attributes["OpenCTI"]["id"]["type"] == "input_string"  # the tab shows the id as text


def test_every_graphql_error_of_an_answer_is_named(package):
    client = importlib.import_module(f"{package.__name__}.client")
    errors = {"errors": [{"message": "Bad"}, {"message": "Worse", "extensions": {"code": "FORBIDDEN_ACCESS"}}]}
    opencti = client.OpenCTI(Answers(json.dumps(errors)), "https://opencti.example", TOKEN)

    with pytest.raises(client.OpenCTIError) as raised:
        opencti.find_case("case-incident--1")

    assert str(raised.value) == "OpenCTI refused caseIncident: Bad; Worse (FORBIDDEN_ACCESS)"


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("https://opencti.example/", "https://opencti.example/graphql"),
        ("https://a.example/X/", "https://a.example/X/graphql"),
    ],
)
def test_the_api_is_the_graphql_path_of_the_address_with_or_without_its_last_slash(package, url, api):
    client = importlib.import_module(f"{package.__name__}.client")
    session = Answers('{"data": {"caseIncident": null}}')

    assert client.OpenCTI(session, url, TOKEN).find_case("case-incident--1") is None

    assert session.urls == [api]
