"""A baked module broken in the ways modules usually break: its own tests or `make check` say so."""

import shutil
import subprocess
import sys

import pytest

# Each mutation: (file in the package, text, replacement) edits.
MUTATIONS = {
    "float interface version": [("base.py", 'INTERFACE_VERSION = "1.2.0"', "INTERFACE_VERSION = 1.1")],
    "interface version IRIS refuses": [("base.py", 'INTERFACE_VERSION = "1.2.0"', 'INTERFACE_VERSION = "1.2.1"')],
    "setting without mandatory": [("config.py", '"mandatory": ', '"required": ')],  # the key IRIS reads, gone
    "setting of an unknown type": [("config.py", '"type": "bool"', '"type": "boolean"')],
    "handler that raises": [("handler.py", "    return ", "    raise RuntimeError('boom')\n    return ")],
    "class name not the one IRIS looks for": [("__init__.py", 'Interface"', 'Interfaces"')],
    "secrets logged as they are": [("base.py", "        if self.mask:", "        if False:")],
    "secrets masked only as typed": [("masking.py", "        *_base64_cores(secret.encode()),", "")],
    "mistyped setting run anyway": [("base.py", "        reading.check(settings)\n", "")],
    "one mistyped setting reads all defaults": [("base.py", "stored = self._mod_web_config", "stored = None")],
    "unknown word turns a security switch off": [("settings.py", 'if kind == "bool" and name in guards:', "if False:")],
    "hook IRIS does not have": [("{class}.py", '"on_postload_ioc_create"', '"on_postload_ioc_created"')],
    "setting renamed, code not": [("config.py", '"param_name": "move_processed"', '"param_name": "move_files"')],
    "evidence read whole": [("handler.py", "for _record in evidence:", "for _record in evidence.read().splitlines():")],
    "hook switched off still run": [
        (
            "processor.py",
            "if not answered(self.checked_registrations(context.settings), hook_name, hook_ui_name):",
            "if False:",
        )
    ],
    "hook switched off left registered": [("processor.py", "        db.session.commit()", "        pass")],
    "preload hook answering nothing": [("processor.py", "if PRELOAD in hook_name and not result:", "if False:")],
    "failed objects not reported": [("processor.py", "        if not failures:", "        if True:")],
    "tag written over a stale state": [("iris_objects.py", "if session is None or obj not in session:", "if True:")],
    "tab written on an alert": [
        (
            "handler.py",
            "            iris_objects.replace_line(",
            '            iris_objects.set_report_tab(alert, "Triage", "")\n            iris_objects.replace_line(',
        )
    ],
    "severity set by a fixed id": [
        ("handler.py", "severity_row_id(verdict.severity) if", '{"High": 5}.get(verdict.severity) if')
    ],
    "status shared between calls": [
        ("base.py", "import I2CodeError,", "import I2CodeError, I2Success,"),
        ("base.py", "return IIStatus(code=I2CodeSuccess", "return I2Success(code=I2CodeSuccess"),
    ],
    "GraphQL errors in a 4xx hidden": [
        ("client.py", "        if errors:  # also in a 4xx", "        if errors and response.ok:")
    ],
    "OpenCTI object used unchecked": [("client.py", 'or not isinstance(answer.get("id"), str) or', "and False and")],
    "hunt queries without a deadline": [
        ("client.py", "seconds = min(self.timeout, self.deadline - monotonic())", "seconds = self.timeout")
    ],
    "damaged certificate taken for a network fault": [("client.py", "    check_pem(config)\n", "")],
    "hunt started by two workers at once": [
        ("handler.py", "return [digest for digest in digests if digest in self.held]", "return list(digests)")
    ],
    "expired hunt reused": [("client.py", 'if record["expires"] > now and ', "if ")],
    "Velociraptor rows used unchecked": [
        (
            "client.py",
            "[host(row) for row",
            "[Host(row['ClientId'], row.get('Fqdn'), matched_hashes(row.get('Hashes'))) for row",
        )
    ],
}


# Mutations of one module type's code only, and of one preset's.
PRESET = {
    "tab written on an alert": "alert-triage",
    "severity set by a fixed id": "alert-triage",
    "tag written over a stale state": "ioc-enrichment",
    "GraphQL errors in a 4xx hidden": "external-sync",
    "OpenCTI object used unchecked": "external-sync",
    "hunt queries without a deadline": "hunt",
    "damaged certificate taken for a network fault": "hunt",
    "hunt started by two workers at once": "hunt",
    "expired hunt reused": "hunt",
    "Velociraptor rows used unchecked": "hunt",
}
PROCESSOR_ONLY = (
    "hook IRIS does not have",
    "hook switched off still run",
    "hook switched off left registered",
    "preload hook answering nothing",
    "failed objects not reported",
    *PRESET,  # the presets mutated here (alert-triage, ioc-enrichment, external-sync, hunt) are processors
)
ONLY = {"evidence read whole": "pipeline", "setting renamed, code not": "pipeline"} | dict.fromkeys(
    PROCESSOR_ONLY, "processor"
)
CASES = [(t, m) for m in MUTATIONS for t in ("processor", "pipeline") if ONLY.get(m, t) == t]


@pytest.mark.parametrize(("module_type", "mutation"), CASES, ids=[f"{t}-{m}" for t, m in CASES])
def test_the_baked_checks_catch_a_broken_module(bake, tmp_path, module_type, mutation):
    folder = tmp_path / "module"
    package = f"iris_mutant_{module_type}_module"
    preset = PRESET.get(mutation, "blank")
    shutil.copytree(bake(module_type=module_type, preset=preset, keyword=f"mutant_{module_type}"), folder)
    for filename, original, broken in MUTATIONS[mutation]:
        source = folder / package / filename.format(**{"class": f"IrisMutant{module_type.title()}Interface"})
        text = source.read_text(encoding="utf-8")
        assert original in text
        source.write_text(text.replace(original, broken, 1), encoding="utf-8")

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    check = subprocess.run([sys.executable, "tests/fake_iris.py", package], cwd=folder, capture_output=True, text=True)

    assert tests.returncode != 0 or check.returncode != 0, tests.stdout + check.stdout
