"""Everything the external-sync preset sends is what OpenCTI accepts, by OpenCTI's own schema.

The baked project's tests run its handler and client against its fake OpenCTI, which records
every request; each document and variables set is then checked against OpenCTI's GraphQL schema
at 6.9.28 and 5.12.33 (``../shared/opencti-schema/<tag>/``) with graphql-core, and with the rules
the server adds beyond the schema (opencti-facts.md): StixId and StixRef values
(``src/graphql/schema.js`` validateStixId / validateStixRef) and the ``@constraint`` rules of
input fields (graphql-constraint-directive, with OpenCTI's ``not-blank`` format).

Without ``../shared`` beside the repository (a contributor elsewhere) these tests skip, unless
OPENCTI_SCHEMAS names the folder of the tags.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

graphql = pytest.importorskip("graphql", reason="graphql-core is in requirements.txt")
from graphql.language import ast as nodes  # noqa: E402
from graphql.utilities import type_from_ast  # noqa: E402

# Beside the repository, as CI lays it out; OPENCTI_SCHEMAS names another place (a git worktree).
SCHEMAS = Path(os.environ.get("OPENCTI_SCHEMAS") or ROOT.parent / "shared" / "opencti-schema")
TAGS = ("5.12.33", "6.9.28")
pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"OpenCTI's schema is not at {SCHEMAS}")

# graphql/schema.js: a STIX id is <type>--<uuid>, of a type OpenCTI supports (schema/identifier.js
# isSupportedStixType: the entity types lower-cased, plus a few); those the preset could send.
STIX_TYPES = {
    "case-incident",
    "domain-name",
    "hostname",
    "ipv4-addr",
    "ipv6-addr",
    "url",
    "email-addr",
    "file",
    "indicator",
    "report",
    "identity",
    "location",
    "relationship",
    "sighting",
    "threat-actor",
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE)
# The directive the server declares at run time (src/graphql/schema.js), not in the files.
RATE_LIMIT = "directive @rateLimit(limit: Int = 60, duration: Int = 60) on OBJECT | FIELD_DEFINITION"
MERGED = {
    nodes.ObjectTypeDefinitionNode: "fields",
    nodes.ObjectTypeExtensionNode: "fields",
    nodes.InterfaceTypeDefinitionNode: "fields",
    nodes.InputObjectTypeDefinitionNode: "fields",
    nodes.EnumTypeDefinitionNode: "values",
}


def load_schema(tag):
    """OpenCTI's schema as the server builds it: every file, same-named types merged field by field."""
    merged, others = {}, [graphql.parse(RATE_LIMIT).definitions[0]]
    for path in sorted((SCHEMAS / tag).glob("*.graphql")):
        for definition in graphql.parse(path.read_text(encoding="utf-8")).definitions:
            members = MERGED.get(type(definition))
            if members is None:
                others.append(definition)
                continue
            if isinstance(definition, nodes.ObjectTypeExtensionNode):  # `extend type` merges the same way
                definition = nodes.ObjectTypeDefinitionNode(
                    **{key: getattr(definition, key) for key in definition.keys}
                )
            known = merged.setdefault(definition.name.value, definition)
            if known is not definition:
                names = {member.name.value for member in getattr(known, members)}
                extra = tuple(member for member in getattr(definition, members) if member.name.value not in names)
                setattr(known, members, tuple(getattr(known, members)) + extra)
    return graphql.build_ast_schema(nodes.DocumentNode(definitions=(*others, *merged.values())))


@pytest.fixture(scope="module", params=TAGS)
def schema(request):
    return load_schema(request.param)


@pytest.fixture(scope="module")
def baked(bake):
    return bake(preset="external-sync", keyword="octischema")


@pytest.fixture(scope="module")
def recorded(baked, tmp_path_factory):
    """Every request the baked project's handler tests sent to its fake OpenCTI."""
    record = tmp_path_factory.mktemp("opencti") / "requests.jsonl"
    environment = {**os.environ, "FAKE_OPENCTI_RECORD": str(record)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_handler.py"],
        cwd=baked,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def client_documents(baked):
    """The GraphQL documents of the baked client, by constant name."""
    client = next(baked.glob("*/client.py"))
    documents = {}
    for node in ast.parse(client.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            if node.value.value.lstrip().startswith(("query ", "mutation ")):
                documents[node.targets[0].id] = node.value.value
    return documents


def problems(schema, query, variables):
    """What OpenCTI would refuse in the request, by its schema and its own rules."""
    document = graphql.parse(query)
    found = [error.message for error in graphql.validate(schema, document)]
    if found:
        return found
    (operation,) = document.definitions
    coerced = graphql.execution.values.get_variable_values(schema, operation.variable_definitions, variables)
    if isinstance(coerced, list):
        return [error.message for error in coerced]
    for definition in operation.variable_definitions:
        name = definition.variable.name.value
        found += rule_problems(type_from_ast(schema, definition.type), variables.get(name), f"${name}")
    return found


def rule_problems(graphql_type, value, path, constraint=None):
    """The StixId, StixRef and @constraint problems of ``value``, of type ``graphql_type``."""
    if value is None:
        return []
    graphql_type = graphql.get_nullable_type(graphql_type)
    if isinstance(graphql_type, graphql.GraphQLList):
        items = value if isinstance(value, list) else [value]
        return [
            problem
            for index, item in enumerate(items)
            for problem in rule_problems(graphql_type.of_type, item, f"{path}[{index}]", constraint)
        ]
    if isinstance(graphql_type, graphql.GraphQLInputObjectType):
        found = []
        for name, item in value.items():
            field = graphql_type.fields[name]
            found += rule_problems(field.type, item, f"{path}.{name}", constraint_of(field))
        return found
    found = []
    if graphql_type.name == "StixId":
        found += stix_id_problems(value, path)
    if graphql_type.name == "StixRef" and ("--" in value or not UUID.fullmatch(value)):
        found += stix_id_problems(value, path)
    if constraint:
        found += constraint_problems(value, path, constraint)
    return found


def stix_id_problems(value, path):
    stix_type, separator, rest = value.partition("--")
    if not separator or stix_type not in STIX_TYPES or not UUID.fullmatch(rest.split("--")[0]):
        return [f"{path}: {value!r} is not a valid STIX id (<supported type>--<uuid>)"]
    return []


def constraint_of(field):
    for directive in field.ast_node.directives if field.ast_node else ():
        if directive.name.value == "constraint":
            return {
                argument.name.value: graphql.value_from_ast_untyped(argument.value) for argument in directive.arguments
            }
    return None


def constraint_problems(value, path, rules):
    checks = {
        "minLength": lambda limit: len(value) >= limit,
        "maxLength": lambda limit: len(value) <= limit,
        "startsWith": value.startswith,
        "endsWith": value.endswith,
        "notContains": lambda part: part not in value,
        "pattern": lambda pattern: re.search(pattern, value) is not None,
        "format": lambda name: {"not-blank": bool(value.strip())}[name],  # an unknown format fails loudly
    }
    return [
        f"{path}: {value!r} breaks @constraint({rule}: {limit!r})"
        for rule, limit in rules.items()
        if not checks[rule](limit)
    ]


def test_every_document_of_the_client_is_valid(schema, baked):
    documents = client_documents(baked)

    assert documents, "no GraphQL document in client.py"
    for name, query in documents.items():
        assert [error.message for error in graphql.validate(schema, graphql.parse(query))] == [], name


def test_every_request_sent_in_the_baked_tests_is_valid(schema, baked, recorded):
    sent = {request["query"] for request in recorded}

    assert set(client_documents(baked).values()) <= sent, "a document of the client was never sent in the tests"
    for request in recorded:
        assert problems(schema, request["query"], request["variables"]) == [], request


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"input": {"name": "Case", "stix_id": "case-incident--not-a-uuid"}}, "is not a valid STIX id"),
        (
            {"input": {"name": "Case", "stix_id": "incident-case--6f1c2b5e-4f0a-5c3d-9b7e-1a2d3c4e5f60"}},
            "is not a valid STIX id",
        ),
        ({"input": {"name": "x"}}, "breaks @constraint(minLength: 2)"),
        ({"input": {"name": "Case", "colour": "red"}}, "colour"),
        ({"input": {"description": "no name"}}, "name"),
    ],
)
def test_the_checks_refuse_what_opencti_refuses(schema, variables, expected):
    query = "mutation AddCase($input: CaseIncidentAddInput!) { caseIncidentAdd(input: $input) { id } }"

    assert any(expected in problem for problem in problems(schema, query, variables))


def test_the_checks_refuse_a_field_opencti_does_not_have(schema):
    query = "query Find($id: String!) { stixCyberObservable(id: $id) { id stix_id } }"

    assert problems(schema, query, {"id": "x"}) == ["Cannot query field 'stix_id' on type 'StixCyberObservable'."]


def test_a_blank_case_name_is_refused_from_6_x_on(schema):
    query = "mutation AddCase($input: CaseIncidentAddInput!) { caseIncidentAdd(input: $input) { id } }"
    blank = problems(schema, query, {"input": {"name": "   "}})

    has_not_blank = "not-blank" in graphql.print_ast(schema.type_map["CaseIncidentAddInput"].fields["name"].ast_node)
    assert bool(blank) == has_not_blank
