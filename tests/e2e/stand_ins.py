"""The remote services the presets talk to, as small HTTP servers on 127.0.0.1 that record what they get.

- ``EnrichmentService``: the REST service templates/presets/ioc-enrichment/client.py asks,
  ``GET <api_url>/<collection>/<value quoted whole>`` with the key in ``x-apikey``; JSON, or 404.
- ``OpenCTI``: the GraphQL mutations templates/presets/external-sync/client.py sends, answered as
  OpenCTI 6.9 does by ../shared/opencti-facts.md: the server's own internal id is returned, the
  client's STIX id kept as an alias, observables deduplicated by value, an unknown id refused.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


class Service:
    """One HTTP server on a free port of 127.0.0.1; ``requests`` holds (method, path, headers, body)."""

    def __init__(self):
        self.requests = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.answer("GET", b"")

            def do_POST(self):
                self.answer("POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def answer(self, method, body):
                service.requests.append((method, self.path, dict(self.headers), body))
                status, payload = service.handle(method, self.path, dict(self.headers), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, method, path, headers, body):
        raise NotImplementedError

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class EnrichmentService(Service):
    """What a VirusTotal-like service answers: ``known[(collection, value)]``, else 404."""

    def __init__(self, api_key):
        self.api_key = api_key
        self.known = {}
        super().__init__()

    def handle(self, method, path, headers, body):
        if headers.get("x-apikey") != self.api_key:
            return 401, {"error": "wrong or missing x-apikey"}
        collection, _, quoted = urlsplit(path).path.lstrip("/").partition("/")
        answer = self.known.get((collection, unquote(quoted)))
        return (200, answer) if answer is not None else (404, {"error": "not found"})


class OpenCTI(Service):
    """OpenCTI's GraphQL endpoint, for the five mutations of external-sync's client."""

    def __init__(self, token):
        self.token = token
        self.objects = {}  # internal id -> {"type", "stix_ids", "fields", "objects": [internal ids]}
        super().__init__()

    def find(self, any_id):
        """By internal id or any of the STIX ids it is known by (domain/attribute-utils.ts:27)."""
        for internal_id, known in self.objects.items():
            if any_id == internal_id or any_id in known["stix_ids"]:
                return internal_id, known
        return None, None

    def handle(self, method, path, headers, body):
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"errors": [{"message": "You must be logged in to do this."}]}
        if method != "POST" or urlsplit(path).path != "/graphql":
            return 404, {"errors": [{"message": f"no {method} {path}"}]}
        request = json.loads(body)
        query, variables = request["query"], request.get("variables") or {}
        try:
            return 200, {"data": self.mutate(query, variables)}
        except LookupError as error:
            return 200, {"data": None, "errors": [{"message": str(error)}]}

    def mutate(self, query, variables):
        if "caseIncidentAdd" in query:
            case = dict(variables["input"])
            return {"caseIncidentAdd": {"id": self.upsert("Case-Incident", case.pop("stix_id"), case, key=None)}}
        if "stixCyberObservableAdd" in query:
            kind = variables["type"]
            fields = variables[kind.replace("-", "")]
            # Observables are one per value across the platform (schema/identifier.js: value, or hashes)
            key = (kind, json.dumps(fields.get("hashes") or fields.get("value"), sort_keys=True))
            return {"stixCyberObservableAdd": {"id": self.upsert(kind, variables["stix_id"], fields, key=key)}}
        internal_id, known = self.find(variables["id"])
        if known is None:  # domain/stixCyberObservable.js:259-261 fails on an unknown id
            raise LookupError(f"Cannot read properties of undefined (reading 'entity_type') [{variables['id']}]")
        if "relationAdd" in query:
            known["objects"].append(variables["input"]["toId"])
            return {"stixDomainObjectEdit": {"relationAdd": {"id": str(uuid.uuid4())}}}
        del self.objects[internal_id]
        edit = "stixCyberObservableEdit" if "stixCyberObservableEdit" in query else "stixDomainObjectEdit"
        return {edit: {"delete": internal_id}}

    def upsert(self, kind, stix_id, fields, key):
        if "--" not in stix_id or stix_id.split("--")[0] != ("file" if kind == "StixFile" else kind.lower()):
            raise LookupError(f"Invalid STIX id {stix_id!r} for {kind}")  # graphql/schema.js validateStixId
        internal_id, known = self.find(stix_id)
        if known is None and key is not None:
            internal_id, known = next(((i, o) for i, o in self.objects.items() if o.get("key") == key), (None, None))
        if known is None:
            internal_id = str(uuid.uuid4())
            known = self.objects[internal_id] = {"type": kind, "stix_ids": [], "objects": [], "key": key}
        if stix_id not in known["stix_ids"]:
            known["stix_ids"].append(stix_id)
        known["fields"] = {name: value for name, value in fields.items() if name != "update"}
        return internal_id

    def of_type(self, kind):
        return [known for known in self.objects.values() if known["type"] == kind]


class StandIns:
    """The stand-ins a session uses, started on first use and stopped at the end."""

    def __init__(self):
        self.started = []

    def enrichment(self, api_key):
        return self._start(EnrichmentService(api_key))

    def opencti(self, token):
        return self._start(OpenCTI(token))

    def _start(self, service):
        self.started.append(service)
        return service

    def stop(self):
        for service in self.started:
            service.stop()
