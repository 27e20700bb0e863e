"""A baked module taken into IRIS the way a user does it: `make try`, or `make install` then Manage › Advanced › Modules.

``bake_and_try`` bakes and runs the project's own `make try`, which installs, adds the module through
the API, stores its settings (a unique marker for every ``sensitive_string``), enables it and runs it
on its samples in a throwaway case. ``bake_and_install`` and ``add`` do the first steps one by one.
"""

import ast
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .rig import Install, Rig


@dataclass
class Module:
    """One baked module in IRIS."""

    rig: Rig
    folder: Path  # the baked project
    package: str  # what IRIS imports
    human_name: str
    install: Install
    keyword: str  # the module's tags are <keyword>:...
    id: int = 0
    settings: dict = field(default_factory=dict)  # what was saved, by param_name
    markers: list = field(default_factory=list)  # the values given to sensitive_string settings
    earlier: set = field(default_factory=set)  # ids of its tasks before the scenario (make try's own)

    @property
    def menu_label(self):
        """The manual hooks' menu entry (config.py: MENU_LABEL = f"Run {MODULE_NAME}")."""
        return f"Run {self.human_name}"

    @property
    def pipeline(self):
        """What IRIS's case dialog names the pipeline: "<package>-<internal name>" (manage_cases_routes.py)."""
        info = baked_constant(self.folder / self.package / "config.py", "PIPELINE_INFO")
        return f"{self.package}-{info['pipeline_internal_name']}"

    def tasks(self, hook):
        return [row for row in self.rig.task_details(self.package, hook) if row["task_id"] not in self.earlier]

    def wait(self, hook, count=1, timeout=90):
        return self.rig.wait_for_tasks(self.package, hook, count, timeout, earlier=self.earlier)


def keyword_for(answers):
    """A keyword per type x preset, so each scenario's package, class and human name are its own."""
    return "e2e" + answers["module_type"][:4] + "_" + answers["preset"].replace("-", "_")


def baked_constant(path, name):
    """A literal constant of a baked file (MODULE_NAME, PIPELINE_INFO), read without importing it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:  # PIPELINE_INFO's human name is an f-string: keep the literal parts
                return {key.value: ast.literal_eval(value) for key, value in zip(node.value.keys, node.value.values, strict=True)
                        if not isinstance(value, ast.JoinedStr)}  # fmt: skip
    raise KeyError(f"{name} is not in {path}")


def bake_and_install(rig, bake, answers, edit=None):
    """Bake ``answers`` for the rig's IRIS line, let ``edit(folder)`` change the project, then run its ``make install``."""
    answers = {"keyword": keyword_for(answers), "iris_version": rig.target.iris_version, **answers}
    assert answers["iris_version"] == rig.target.iris_version, f"{answers} is not for the IRIS line the rig runs"
    folder = bake(**answers)
    package = folder.name.replace("-", "_")
    if edit is not None:
        edit(folder / package)
    human_name = baked_constant(folder / package / "config.py", "MODULE_NAME")
    return Module(rig, folder, package, human_name, rig.install(folder), answers["keyword"])


def bake_and_try(rig, bake, answers, scenario=None, stand_ins=None, edit=None):
    """Bake ``answers``, let ``edit(package folder)`` change the project, then run its own ``make try`` with
    ``scenario``'s settings: the module and the scenario's driver, the module installed, added,
    configured, enabled and run once on its samples."""
    answers = {"keyword": keyword_for(answers), "iris_version": rig.target.iris_version, **answers}
    folder = bake(**answers)
    package = folder.name.replace("-", "_")
    if edit is not None:
        edit(folder / package)
    human_name = baked_constant(folder / package / "config.py", "MODULE_NAME")
    module = Module(rig, folder, package, human_name, None, answers["keyword"])
    driver = scenario(module, stand_ins) if scenario else None
    module.install = run_try(module, driver.settings() if driver else {})
    rows = [row["id"] for row in rig.api.modules() if row["module_human_name"] == human_name]
    module.id = rows[0] if rows else 0  # none when make try failed early: the test shows its output
    module.settings = (
        {entry["param_name"]: entry.get("value") for entry in rig.api.module_config(module.id)} if rows else {}
    )
    module.earlier = {row["task_id"] for row in rig.tasks() if row.get("module_name") == package}
    return module, driver


def run_try(module, values):
    """``make try`` of the module's project: settings in its try-settings.json, secrets in the environment
    (a marker for each secret not given); the Install it did (install, restart, and make try's output)."""
    values, secrets = dict(values), {}
    for entry in baked_constant(module.folder / module.package / "config.py", "CONFIGURATION"):
        name = entry["param_name"]
        if entry["type"] == "sensitive_string":
            secrets[f"IRIS_TRY_{name.upper()}"] = value = values.pop(name, None) or f"SECRET-{name}-{uuid.uuid4().hex}"
            module.markers.append(value)
    (module.folder / "try-settings.json").write_text(json.dumps(values, indent=2))
    rig = module.rig
    env = {"IRIS_URL": rig.iris.url, "IRIS_API_KEY": rig.iris.api_key, **secrets}
    return rig.install(module.folder, "try", env=env)


def assert_iris_unharmed(module):
    """The install moved none of IRIS's pins, kept pkg_resources, and IRIS came back (login 200, worker ready.)."""
    install = module.install
    assert install.returncode == 0, f"make install failed:\n{install.output}"
    assert install.restarts, f"make install asked no restart of IRIS's containers:\n{install.output}"
    assert not install.moved_pins(), f"make install moved IRIS's pins {install.moved_pins()}:\n{install.output}"
    works, error = module.rig.imports("import pkg_resources")
    assert works, f"pkg_resources no longer imports in IRIS's venv: {error}"
    assert install.started, f"IRIS did not come back after make install: {install.start_error[-3000:]}"


def add(module, values=None, enable=True):
    """Add the module through the API, save its settings, enable it; its IRIS id."""
    api = module.rig.api
    for row in api.modules():  # an earlier row of the same module
        if row["module_human_name"] == module.human_name:
            api.remove_module(row["id"])
    answer = api.post("/manage/modules/add", {"module_name": module.package}, expect=None)
    assert answer["status"] == "success", f"IRIS refused the module: {answer.get('message')} {answer.get('data')}"
    module.id = answer["data"]["id"]
    values = dict(values or {})
    for entry in api.module_config(module.id):
        name = entry["param_name"]
        if entry["type"] == "sensitive_string" and name not in values:
            values[name] = f"SECRET-{name}-{uuid.uuid4().hex}"
        if entry["type"] == "sensitive_string":
            module.markers.append(values[name])
        if entry.get("mandatory") and entry.get("value") in (None, "") and name not in values:
            raise AssertionError(f"{module.package}: mandatory setting {name!r} has no value; give one in values")
    for name, value in values.items():
        api.set_parameter(module.id, name, value)
    module.settings = {entry["param_name"]: entry.get("value") for entry in api.module_config(module.id)}
    if enable:
        api.enable_module(module.id)
    return module.id


def assert_no_secret_kept(module):
    """No sensitive_string value in IRIS's task results or its logs."""
    for marker in module.markers:
        assert not module.rig.where_secret_appears(marker), (
            f"a secret setting's value was kept by IRIS in {module.rig.where_secret_appears(marker)}"
        )
