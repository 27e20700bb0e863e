"""A fake of the remote web service: a real HTTP server on 127.0.0.1 that answers as scripted.

    with FakeService() as service:
        service.answer("/files/abc", (200, {"verdict": "malicious"}))
        ...  # point the module's api_url at service.url

Each path answers its scripted responses in turn, the last one again and again, to a GET or
a POST; unknown paths answer 404. ``service.quota(per_minute, answer)`` makes it refuse, as a
rate-limited service does, each request that comes when ``per_minute`` came in the last minute.
A POST path can instead be answered by a function of the JSON body sent
(``service.answer_posts(path, function)``), to fake an API with state. ``service.requests``
records what the module sent: each unpacks as (method, path, headers), and has its ``body``.

TODO (porting to another service): script its answers here as the service gives them (status,
body, the headers a client reads, such as Retry-After), or write a fake of its own beside this
one for an API with state; the module's tests point its URL setting at ``service.url``.
"""

import json
import socket
import threading
import time
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Request(namedtuple("Request", "method path headers")):
    """A request as received: (method, path, headers), and its ``body`` as sent (bytes; b"" for none)."""

    def __new__(cls, method, path, headers, body=b""):
        request = super().__new__(cls, method, path, headers)
        request.body = body
        return request

    def json(self):
        """The body read as JSON: what a POST sent."""
        return json.loads(self.body)


class FakeService:
    def __init__(self):
        self.scripts = {}  # path -> [(status, JSON body, headers), ...]
        self.requests = []  # Request(method, path, headers) with its .body, as received
        self.post_functions = {}  # path -> function(JSON body) -> (status, JSON body[, headers])
        self.arrivals = []  # when each request came (time.monotonic())
        self.refused = []  # the paths refused past the quota
        self.per_minute, self.over_quota = None, None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def answer(self, path, *responses):
        """Script ``path``: each response is (status, body) or (status, body, headers)."""
        self.scripts[path] = [(*response, {})[:3] for response in responses]

    def answer_posts(self, path, function):
        """Answer each POST to ``path`` with ``function(JSON body sent)``: (status, body) or (status, body, headers)."""
        self.post_functions[path] = function

    def quota(self, per_minute, answer):
        """Answer ``answer`` (status, body) to a request that comes when ``per_minute`` came in the last
        minute, less a second of slack for the network."""
        self.per_minute, self.over_quota = per_minute, answer

    def _over_quota(self, path):
        now = time.monotonic()
        recent = [when for when in self.arrivals if when > now - 59]
        self.arrivals.append(now)
        if self.per_minute is not None and len(recent) >= self.per_minute:
            self.refused.append(path)
            return True
        return False

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(self._received("GET"), None)

            def do_POST(self):
                received = self._received("POST")
                self._answer(received, service.post_functions.get(self.path))

            def _received(self, method):
                # Read the body before answering, even a refusal: what the module sent is recorded whole.
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received = Request(method, self.path, dict(self.headers), body)
                service.requests.append(received)
                return received

            def _answer(self, received, function):
                if service._over_quota(self.path):
                    self._send(*service.over_quota, {})
                elif function is not None:
                    self._send(*(*function(json.loads(received.body or b"null")), {})[:3])
                else:
                    script = service.scripts.get(self.path, [(404, {"error": "not found"}, {})])
                    self._send(*(script.pop(0) if len(script) > 1 else script[0]))

            def _send(self, status, body, headers):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler


class SlowService:
    """A server on 127.0.0.1 that takes each connection and then sends a ``size``-byte answer a
    byte every ``pace`` seconds (``pace=None``: never answers): what a stalled or hostile server does.

        with SlowService(pace=0.1) as slow:
            ...  # GET slow.url
    """

    def __init__(self, pace=None, size=400):
        self.pace, self.size = pace, size
        self.connections = 0
        self.bytes_sent = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._listener.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection):
        with connection:
            connection.recv(65536)
            if self.pace is None:
                self._stop.wait()
                return
            try:
                head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {self.size}\r\n\r\n"
                connection.sendall(head.encode())
                while self.bytes_sent < self.size and not self._stop.is_set():
                    connection.sendall(b" ")
                    self.bytes_sent += 1
                    time.sleep(self.pace)
            except OSError:  # the client hung up
                return
