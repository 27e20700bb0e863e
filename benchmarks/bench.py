"""Benchmark the template and the modules it bakes; prints a table of figures.

    .venv/bin/python benchmarks/bench.py            # bakes, per-module figures
    .venv/bin/python benchmarks/bench.py --suite    # and the template's test-suite wall time

Figures, not assertions: compare them with the targets in the table.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("processor", "pipeline")
BAKES = 7


def bake_seconds(module_type, output):
    times = []
    for run in range(BAKES):
        start = time.perf_counter()
        cookiecutter(str(ROOT), no_input=True, output_dir=str(output / f"{module_type}{run}"),
                     extra_context={"module_type": module_type, "keyword": f"bench_{module_type}"})  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def module_figures(module_type, output):
    project = output / f"{module_type}0" / f"iris-bench-{module_type}-module"
    measured = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "measure.py"), f"iris_bench_{module_type}_module"],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(measured.stdout)


def suite_seconds():
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "tests"], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main():
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    print(f"{'figure':<48}{'processor':>12}{'pipeline':>12}   target")
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        bakes = {t: bake_seconds(t, output) for t in TYPES}
        figures = {t: module_figures(t, output) for t in TYPES}
    rows = [
        (f"bake, median of {BAKES} (s)", bakes, "{:.3f}", "<= 0.5"),
        ("instantiate module (us)", {t: figures[t]["instantiate_us"] for t in TYPES}, "{:.1f}", ""),
        ("instantiate bare subclass (us)", {t: figures[t]["bare_instantiate_us"] for t in TYPES}, "{:.1f}", ""),
        ("instantiation, module / bare", {t: figures[t]["instantiate_us"] / figures[t]["bare_instantiate_us"]
                                          for t in TYPES}, "{:.2f}x", "<= 1.1x"),
        ("kB kept per call over 5000 calls, module", {t: figures[t]["kept_kb_per_call"] for t in TYPES}, "{:.3f}",
         "<= 0.1"),
        ("kB kept per call over 5000 calls, bare subclass", {t: figures[t]["bare_kept_kb_per_call"] for t in TYPES},
         "{:.3f}", ""),
    ]  # fmt: skip
    for label, values, shape, target in rows:
        print(f"{label:<48}{shape.format(values['processor']):>12}{shape.format(values['pipeline']):>12}   {target}")
    if "--suite" in sys.argv:
        print(f"{'template test suite, pytest -n auto (s)':<48}{suite_seconds():>24.1f}   <= 180")


if __name__ == "__main__":
    main()
