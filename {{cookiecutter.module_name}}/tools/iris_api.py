"""A client of your IRIS's REST API for `make try`, on Python's standard library only.

Where IRIS is: ``IRIS_URL`` and ``IRIS_API_KEY`` (IRIS > your user > My settings > API key) in the
environment, or as ``NAME=value`` lines in ``.iris-try.env`` beside the Makefile (git ignores it).
``IRIS_VERIFY_TLS=false`` accepts the self-signed certificate IRIS's docker-compose makes;
``IRIS_CA_FILE`` names the CA of a private one. ``IRIS_TIMEOUT`` (60 s): how long one request may
take, its answer's last byte included, before IRIS is taken for stalled.

IRIS answers JSON ``{"status": "success" | "error", "message", "data"}`` to a request carrying
``Authorization: Bearer <API key>``.
"""

import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ENV_FILE = Path(".iris-try.env")


class IrisError(Exception):
    """IRIS could not be reached, or refused a request; the message says which and what to do."""


def settings_from_environment(names, env_file=ENV_FILE):
    """``{name: value}`` for ``names``, from the environment, else from ``env_file``."""
    found = {name: os.environ[name] for name in names if os.environ.get(name)}
    if env_file.is_file():
        for number, line in enumerate(env_file.read_text(encoding="utf-8-sig").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, equals, value = line.partition("=")
            if not equals:
                raise IrisError(f"{env_file}:{number}: not NAME=value: {line[:40]!r}")
            name = name.strip().removeprefix("export ").strip()
            if name in names and name not in found:
                found[name] = value.strip().strip("'\"")
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """IRIS's API does not redirect: a redirect means IRIS_URL is not IRIS's root (http instead of https,
    a proxy's login page). Followed, it would turn a POST into a GET and send the key elsewhere."""

    def redirect_request(self, request, fp, code, msg, headers, new_url):
        raise IrisError(f"{request.full_url} redirects ({code}) to {new_url}: set IRIS_URL to IRIS's own address")


class Iris:
    def __init__(self, url, api_key, verify_tls=True, ca_file=None, timeout=60):
        if not url.startswith(("http://", "https://")):
            raise IrisError(f"IRIS_URL is {url!r}: give the address you open IRIS at, e.g. https://iris.example.org")
        self.url, self.api_key, self.timeout = url.rstrip("/"), api_key, timeout
        context = ssl.create_default_context(cafile=ca_file or None)
        if not verify_tls:
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        self._open = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect()).open

    @classmethod
    def from_environment(cls):
        found = settings_from_environment(
            ("IRIS_URL", "IRIS_API_KEY", "IRIS_VERIFY_TLS", "IRIS_CA_FILE", "IRIS_TIMEOUT")
        )
        missing = [name for name in ("IRIS_URL", "IRIS_API_KEY") if name not in found]
        if missing:
            raise IrisError(
                f"{' and '.join(missing)} not set: export them, or write them as NAME=value lines in {ENV_FILE}"
                " (IRIS_API_KEY: IRIS > your user > My settings > API key)"
            )
        verify = found.get("IRIS_VERIFY_TLS", "true").strip().lower()
        if verify not in ("true", "false"):
            raise IrisError(f"IRIS_VERIFY_TLS is {verify!r}: true, or false for IRIS's self-signed certificate")
        timeout = found.get("IRIS_TIMEOUT", "60").strip()
        if not timeout.isdigit() or int(timeout) == 0:
            raise IrisError(f"IRIS_TIMEOUT is {timeout!r}: a whole number of seconds, e.g. 60")
        return cls(found["IRIS_URL"], found["IRIS_API_KEY"], verify == "true", found.get("IRIS_CA_FILE"), int(timeout))

    def request(self, method, path, body=None, *, files=None, fields=None, raw=False):
        """The answer's ``data`` (its text when ``raw``); IrisError when IRIS says error or is not reached."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        data = None
        if files is not None:
            data, headers["Content-Type"] = multipart(fields or {}, files)
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        deadline = time.monotonic() + self.timeout
        try:
            with self._open(request, timeout=self.timeout) as answer:
                status, text = answer.status, _read_by(answer, deadline)
        except urllib.error.HTTPError as error:
            status, text = error.code, _read_by(error, deadline)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (TimeoutError, socket.timeout)):  # one class from Python 3.10, two on IRIS 2.4's 3.9
                raise IrisError(
                    f"{method} {path}: IRIS at {self.url} did not answer within {self.timeout} s (IRIS_TIMEOUT):"
                    " is it overloaded, or stopped?"
                ) from None
            raise IrisError(f"IRIS at {self.url} is not reached ({reason}): is IRIS_URL right, and IRIS up?") from None
        if status == 401:
            raise IrisError(f"{method} {path}: IRIS refused the API key (HTTP 401): check IRIS_API_KEY")
        if status == 403:
            raise IrisError(f"{method} {path}: IRIS refused (HTTP 403): the API key's user may not do this")
        if raw:
            return text
        try:
            answer = json.loads(text)
        except ValueError:
            raise IrisError(f"{method} {path}: HTTP {status}, not IRIS's JSON: {text[:200]!r}") from None
        if not isinstance(answer, dict) or answer.get("status") != "success":
            message = answer.get("message") if isinstance(answer, dict) else answer
            details = answer.get("data") if isinstance(answer, dict) else None
            raise IrisError(f"{method} {path}: IRIS says {message}{f' {details}' if details else ''}")
        return answer.get("data")

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, body=None, **options):
        return self.request("POST", path, {} if body is None and "files" not in options else body, **options)


def _read_by(answer, deadline):
    """The answer's text, read by ``deadline``: the socket's timeout bounds each read, and an answer sent a
    byte at a time would never trip it."""
    chunks = []
    while chunk := answer.read1(65536):
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks).decode("utf-8", "replace")


def multipart(fields, files):
    """A multipart/form-data body: ``fields`` {name: text}, ``files`` {name: (filename, bytes)}."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
