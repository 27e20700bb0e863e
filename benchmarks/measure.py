"""Measure one baked module inside its project folder: instantiation cost and memory kept per call.

Run by bench.py as ``python measure.py <package>`` with the baked project as working
folder; prints one JSON line. Both figures are set beside a bare IrisModuleInterface
subclass, which is what iris-interface costs by itself.
"""

import json
import sys
import tempfile
import timeit

sys.path[:0] = ["tests", "."]
import fake_iris  # noqa: E402  (the baked project's tests folder, put on the path above)
from test_memory import call_once, kept_per_call  # noqa: E402

CALLS = 5000


def bare_class(module_class):
    """The same settings as the module (IRIS reads them on every instantiation), nothing else."""
    from iris_interface.IrisModuleInterface import IrisModuleInterface

    class Bare(IrisModuleInterface):
        _module_name = "Bare"
        _module_type = "module_processor"
        _pipeline_support = False
        _module_configuration = module_class._module_configuration

        def hooks_handler(self, hook_name, hook_ui_name, data):
            return None

    return Bare


def one_call(module_class, folder):
    """One call as IRIS makes it; the module's own handler is stood in for, as in its memory test."""
    if getattr(module_class, "hooks", None) is not None or module_class._pipeline_support:
        return call_once(module_class, folder)
    return module_class().hooks_handler("on_postload_ioc_create", None, [fake_iris.ioc()])


def instantiation_seconds(module_class):
    return min(timeit.repeat(module_class, number=2000, repeat=5)) / 2000


def main(package):
    iris = fake_iris.install()
    module_class = fake_iris.load_like_iris(package)
    bare = bare_class(module_class)
    iris.configure(module_class)
    iris.configure(bare)
    with tempfile.TemporaryDirectory() as folder:
        # The module first: every bare instance stays registered, and a registry grown by
        # thousands of loggers would weigh on whatever is measured after it.
        figures = {
            "kept_kb_per_call": kept_per_call(lambda: one_call(module_class, folder), CALLS) / 1024,
            "instantiate_us": instantiation_seconds(module_class) * 1e6,
            "bare_instantiate_us": instantiation_seconds(bare) * 1e6,
            "bare_kept_kb_per_call": kept_per_call(lambda: one_call(bare, folder), CALLS) / 1024,
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1])
