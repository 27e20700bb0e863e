"""`make try`'s own rules, without an IRIS: where settings and secrets come from, how IRIS is reached,
when the containers hold this code. Driving a real IRIS is proven by the template's end-to-end suite."""

import http.server
import io
import json
import pickle
import socket
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from iris_interface.IrisInterfaceStatus import IIStatus

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

import iris_api  # noqa: E402
import iris_tasks  # noqa: E402
import iris_try  # noqa: E402
import package_digest  # noqa: E402

CONFIGURATION = [
    {"param_name": "api_url", "type": "string", "mandatory": True},
    {"param_name": "api_key", "type": "sensitive_string", "mandatory": True},
    {"param_name": "retries", "type": "int", "mandatory": False},
]


def test_settings_come_from_the_file_over_what_was_stored_and_secrets_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "try-settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"api_url": "https://service.example"}).encode())  # a BOM
    monkeypatch.setenv("IRIS_TRY_API_KEY", "from-the-environment")

    wanted = iris_try.wanted_settings(CONFIGURATION, path, {"api_url": "https://old.example", "retries": 2})

    assert wanted == {"api_url": "https://service.example", "retries": 2, "api_key": "from-the-environment"}


def test_a_secret_in_the_settings_file_is_refused_naming_its_variable(tmp_path):
    path = tmp_path / "try-settings.json"
    path.write_text(json.dumps({"api_key": "leaked"}))

    with pytest.raises(iris_try.TryError) as refused:
        iris_try.wanted_settings(CONFIGURATION, path, {})

    assert "api_key, a secret" in str(refused.value) and "IRIS_TRY_API_KEY" in str(refused.value)
    assert "leaked" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"api_ulr": "x"}', "names api_ulr, which the module does not declare"),
        ("[1]", "holds a list"),
        ("{", "not JSON"),
    ],
)
def test_a_settings_file_that_cannot_be_used_says_why(tmp_path, text, said):
    path = tmp_path / "try-settings.json"
    path.write_text(text)

    with pytest.raises(iris_try.TryError, match=said):
        iris_try.wanted_settings(CONFIGURATION, path, {})


def test_where_iris_is_comes_from_the_environment_before_the_local_file(tmp_path, monkeypatch):
    env_file = tmp_path / ".iris-try.env"
    env_file.write_text("# mine\nexport IRIS_URL='https://iris.example'\nIRIS_API_KEY=from-file\n")
    monkeypatch.setenv("IRIS_API_KEY", "from-env")

    found = iris_api.settings_from_environment(("IRIS_URL", "IRIS_API_KEY"), env_file)

    assert found == {"IRIS_URL": "https://iris.example", "IRIS_API_KEY": "from-env"}


class Answers(http.server.BaseHTTPRequestHandler):
    """A server that redirects /moved and answers HTML elsewhere, as a proxy's login page does."""

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.example/login")
            self.end_headers()
            return
        body = b"<html>Sign in</html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


def test_a_redirect_is_not_followed_with_the_key_and_says_which_url_to_set(server):
    with pytest.raises(iris_api.IrisError, match="redirects .302. to https://elsewhere.example/login: set IRIS_URL"):
        iris_api.Iris(server, "key").get("/moved")


def test_an_answer_that_is_not_iris_json_is_named(server):
    with pytest.raises(iris_api.IrisError, match="not IRIS's JSON: '<html>Sign in</html>'"):
        iris_api.Iris(server, "key").get("/manage/modules/list")


class Trickle(http.server.BaseHTTPRequestHandler):
    """IRIS under a load it cannot carry: the answer's bytes come one at a time."""

    def do_GET(self):
        body = json.dumps({"status": "success", "data": "x" * 400}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, *args):
        pass


def test_an_iris_that_accepts_and_never_answers_is_named_stalled():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connections wait in its backlog, unanswered
        iris = iris_api.Iris(f"http://127.0.0.1:{silent.getsockname()[1]}", "key", timeout=1)
        with pytest.raises(
            iris_api.IrisError, match=r"GET /api/ping: IRIS at .* did not answer within 1 s \(IRIS_TIMEOUT\)"
        ):
            iris.get("/api/ping")


def test_an_answer_sent_a_byte_at_a_time_runs_out_of_the_timeout_as_a_whole():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        iris = iris_api.Iris(f"http://127.0.0.1:{httpd.server_address[1]}", "key", timeout=1)
        try:
            with pytest.raises(iris_api.IrisError, match="did not answer within 1 s"):
                iris.get("/api/ping")  # each byte within the timeout, the whole answer 20 s
        finally:
            httpd.shutdown()


@pytest.mark.parametrize("value", ["0", "soon", "-5"])
def test_a_timeout_that_is_not_seconds_is_refused_naming_it(monkeypatch, value):
    monkeypatch.setenv("IRIS_URL", "https://iris.example")
    monkeypatch.setenv("IRIS_API_KEY", "key")
    monkeypatch.setenv("IRIS_TIMEOUT", value)

    with pytest.raises(iris_api.IrisError, match=f"IRIS_TIMEOUT is '{value}': a whole number of seconds"):
        iris_api.Iris.from_environment()


def test_an_unreachable_iris_says_so():
    with pytest.raises(iris_api.IrisError, match="is not reached"):
        iris_api.Iris("http://127.0.0.1:1", "key").get("/api/ping")


def test_the_digest_changes_with_any_file_of_the_package_but_not_with_bytecode(tmp_path):
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "report.html").write_text("<p>")
    before = package_digest.digest(package)

    (package / "__pycache__" / "x.cpython-39.pyc").write_bytes(b"\0")
    assert package_digest.digest(package) == before
    (package / "report.html").write_text("<p>changed")
    assert package_digest.digest(package) != before


def test_a_returned_status_holding_iris_rows_is_read_without_iris(monkeypatch):
    models = types.ModuleType("app.models")
    Ioc = type("Ioc", (), {"__module__": "app.models"})
    models.Ioc = Ioc
    monkeypatch.setitem(sys.modules, "app", types.ModuleType("app"))
    monkeypatch.setitem(sys.modules, "app.models", models)
    stored = pickle.dumps(IIStatus(code=1, message="2 IOC(s) enriched", data=[Ioc()], logs=["looked up x"]))
    monkeypatch.delitem(sys.modules, "app.models")  # as in a process that is not IRIS

    returned = iris_tasks.Unpickler(io.BytesIO(stored)).load()

    assert (returned.is_success(), returned.get_message(), returned.get_logs()) == (
        True,
        "2 IOC(s) enriched",
        ["looked up x"],
    )
