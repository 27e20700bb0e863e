"""`make install` into the IRIS a user runs: a later patch release, whose packages differ from the pins the
project was baked with (2.4.29 is reported in iris-web's issues)."""

import subprocess

from .deploy import Module, add, baked_constant, keyword_for
from .iris_server import installed
from .scenarios import BlankProcessor

NEWER_REQUESTS = "requests==2.32.3"  # 2.4.20 pins requests==2.31.0


def test_a_module_with_an_extra_package_fits_beside_what_a_later_iris_has_and_runs(rig, bake):
    venv_pip = [str(rig.venv / "bin" / "python"), "-m", "pip", "install", "-q", NEWER_REQUESTS]
    subprocess.run(venv_pip, check=True, capture_output=True)
    rig.restart()
    answers = {"module_type": "processor", "preset": "blank", "iris_version": rig.target.iris_version}
    answers["keyword"] = keyword_for(answers) + "_later"
    folder = bake(**answers)
    package = folder.name.replace("-", "_")
    # requests-toolbelt depends on requests: beside 2.4.20's pins it would want requests==2.31.0.
    install = rig.install(folder, EXTRA_PACKAGES="requests-toolbelt==1.0.0")
    module = Module(rig, folder, package, baked_constant(folder / package / "config.py", "MODULE_NAME"), install,
                    answers["keyword"])  # fmt: skip
    try:
        assert install.returncode == 0, install.output
        moved = {name: (version, install.after.get(name)) for name, version in install.before.items()
                 if install.after.get(name) != version and name != package.replace("_", "-")}  # fmt: skip
        assert not moved, f"make install moved what IRIS had: {moved}"
        assert install.after["requests"] == "2.32.3" and install.after["requests-toolbelt"] == "1.0.0"
        for container in ("iriswebapp_app", "iriswebapp_worker"):
            assert f"OK    {package} loads in {container}" in install.output, install.output
        assert "OK    IRIS's worker in iriswebapp_worker is back and consuming tasks" in install.output
        assert install.started, install.start_error

        add(module)
        BlankProcessor(module, None).run()
    finally:
        rig.forget(module)  # and the venv put back as built, requests included
    assert installed(rig.venv)["requests"] != "2.32.3"
