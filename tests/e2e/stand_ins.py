"""The remote services the presets talk to, on 127.0.0.1: the baked project's own fakes, as the module's tests use them.

Each preset's baked tests carry a fake of its remote system, built from that system's documented
answers or source (the fake names them). The e2e suite serves the same fake to the real IRIS, so
the stand-in follows the preset when the preset changes:
- ioc-enrichment: ``tests/fake_service.py`` (an HTTP server answering scripted paths) with
  VirusTotal API v3's answers from ``tests/fake_virustotal.py``;
- external-sync: ``tests/fake_opencti.py``, run as its own process (``--port --token``), its
  objects read back over HTTP (``GET /fake/state``);
- hunt: ``tests/fake_velociraptor.py``, run as its own process (gRPC over mutual TLS), which
  writes the API client config the module is given.
"""

import importlib.util
import json
import re
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from .iris_server import stop_process


def baked_fake(project, name):
    """The baked project's ``tests/<name>.py``, imported under a name of its own (one per project)."""
    path = Path(project) / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"e2e_{Path(project).name.replace('-', '_')}_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class VirusTotal:
    """The baked FakeService answering VirusTotal v3's paths under ``url`` (the module's api_url)."""

    def __init__(self, project):
        self.answers = baked_fake(project, "fake_virustotal")
        self.service = baked_fake(project, "fake_service").FakeService().__enter__()
        self.url = f"{self.service.url}/api/v3"

    def answer(self, collection, object_id, *responses):
        """Script what ``GET /api/v3/<collection>/<object_id>`` answers, one response per request, the last again."""
        self.service.answer(f"/api/v3/{collection}/{object_id}", *responses)

    @property
    def requests(self):
        return self.service.requests

    def stop(self):
        self.service.__exit__(None, None, None)


class Process:
    """A baked fake run as its own process from the project's tests folder; ready once a line matches ``ready``.

    Its output is read all along (``lines``), so it never blocks on a full pipe.
    """

    def __init__(self, project, script, *args, ready, timeout=30):
        self.process = subprocess.Popen([sys.executable, f"tests/{script}", *args], cwd=project, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.lines = []
        matched = threading.Event()

        def read():
            for line in self.process.stdout:
                self.lines.append(line)
                if not matched.is_set() and re.search(ready, line):
                    self.match = re.search(ready, line)
                    matched.set()

        threading.Thread(target=read, daemon=True).start()
        if not matched.wait(timeout):
            self.stop()
            raise RuntimeError(f"{script} did not start in {timeout}s: {''.join(self.lines)}")

    def stop(self):
        stop_process(self.process)


class OpenCTI(Process):
    """The baked fake OpenCTI on a free port; ``state()`` is every object it holds."""

    def __init__(self, project, token):
        super().__init__(project, "fake_opencti.py", "--port", "0", "--token", token,
                         ready=r"(http://127\.0\.0\.1:\d+)/graphql")  # fmt: skip
        self.url = self.match.group(1)

    def state(self):
        with urllib.request.urlopen(f"{self.url}/fake/state", timeout=10) as answer:
            return json.load(answer)


class Velociraptor(Process):
    """The baked fake Velociraptor on a free port, with a client for each ``seen`` FQDN holding a file of that text.

    ``config`` is the api.config.yaml it wrote, as `velociraptor config api_client` does.
    """

    def __init__(self, project, config_out, seen):
        args = [f"--seen={fqdn}={text}" for fqdn, text in seen.items()]
        super().__init__(project, "fake_velociraptor.py", "--port", "0", "--config-out", str(config_out), *args,
                         ready=r"API on (127\.0\.0\.1:\d+);")  # fmt: skip
        self.address = self.match.group(1)
        self.config = Path(config_out).read_text()


class StandIns:
    """The stand-ins a session started, stopped at its end (a scenario may stop its own sooner)."""

    def __init__(self):
        self.started = []

    def virustotal(self, project):
        return self._start(VirusTotal(project))

    def opencti(self, project, token):
        return self._start(OpenCTI(project, token))

    def velociraptor(self, project, config_out, seen):
        return self._start(Velociraptor(project, config_out, seen))

    def _start(self, service):
        self.started.append(service)
        return service

    def stop(self):
        for service in self.started:
            service.stop()
        self.started.clear()
