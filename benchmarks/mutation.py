"""Mutation scores of the baked packages: mutmut mutates a bake's package and runs the bake's own tests.

    .venv/bin/python benchmarks/mutation.py                     # every type x preset, every file
    .venv/bin/python benchmarks/mutation.py --preset hunt --files base.py,processor.py
    .venv/bin/python benchmarks/mutation.py --preset evidence-ingest --skip tests/test_memory.py  # fewer tests
    .venv/bin/python benchmarks/bench.py --mutation              # the same as the first, after the other figures

For each type x preset (on IRIS 2.4's line) it bakes, runs ``mutmut run`` with one child
process in the bake, and prints per file how many mutants the tests killed, how many survived
(an equivalent mutant, listed in equivalent_mutants.txt beside this file, is counted apart) and
how many timed out, and the score: killed and timed out over all but the equivalent ones. The
surviving mutants, each with its diff, are kept in build/mutation/<type>-<preset>.txt. Bars:
the glue and the shared helpers 95 %, a preset's own client and handler 90 %; ``--check``
exits 1 when a file is under its bar.

``--tests`` runs only the named tests (files or node ids) on each mutant, and ``--skip`` every test but
the named ones: a score measured so is the score of those tests, and says so in its heading. It is for
a bake whose suite has slow tests that kill no mutant the others miss (evidence-ingest's memory tests,
50 of its 60 s): mutmut stops a mutant that never ends after ten times the time of the tests that run
it, so a few slow tests make each such mutant cost minutes.
"""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).resolve().parent / "equivalent_mutants.txt"
KEPT = ROOT / "build" / "mutation"
GLUE = ("base.py", "processor.py", "pipeline.py", "context.py", "settings.py")
HELPERS = ("http_session.py", "iris_objects.py", "report.py")
OWN = ("client.py", "handler.py")
BARS = {**dict.fromkeys(GLUE + HELPERS, 0.95), **dict.fromkeys(OWN, 0.90)}
# What the bake's tests read beside tests/ (mutmut copies tests/, setup.cfg and pyproject.toml itself).
ALSO_COPY = ("README.md", "Makefile", "AGENTS.md", "LICENSE", "iris-constraints.txt", "setup.py", "tools", "examples")
PACKAGE = "iris_mutation_module"


def variants():
    """Each module type x preset, once, on the default IRIS line."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CONTEXT, code_variants

    line = CONTEXT["iris_version"][0]
    return [v for v in code_variants() if v["iris_version"] == line]


@contextlib.contextmanager
def quiet():
    """Send this process's and its children's standard output to /dev/null (the bake's next steps)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def bake(variant, folder):
    from cookiecutter.main import cookiecutter

    with quiet():
        project = cookiecutter(
            str(ROOT),
            no_input=True,
            output_dir=str(folder),
            extra_context={**variant, "keyword": "mutation", "_init_git": False},
        )
    return Path(project)


def configure(project, files=None, tests=None, skip=None):
    """mutmut's settings in the bake's setup.cfg (its pyproject.toml has no [tool.mutmut]).

    ``tests``: only these (files or node ids); ``skip``: not these, as pytest's --deselect leaves them out.
    """
    package = project / PACKAGE
    files = files or sorted(path.name for path in package.glob("*.py"))
    lines = ["[mutmut]", f"source_paths = {PACKAGE}", "only_mutate ="]
    lines += [f"    {PACKAGE}/{name}" for name in files if (package / name).is_file()]
    lines += ["also_copy ="] + [f"    {name}" for name in ALSO_COPY if (project / name).exists()]
    lines += ["pytest_add_cli_args = -p no:cacheprovider -p no:randomly"]
    lines += [f"    --deselect={test}" for test in skip or ()]  # one argument a line
    # A mutant that loops (kept_name counting on for ever, say) is stopped after 5 times its tests'
    # time, not mutmut's 15 (in CPU time: twice that, plus a second per run), so 10 times the time of
    # the tests that run its function: under evidence-ingest's whole suite that is 9 minutes a mutant.
    lines += ["timeout_multiplier = 5"]
    if tests:
        lines += ["pytest_add_cli_args_test_selection ="] + [f"    {test}" for test in tests]
    (project / "setup.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_mutmut(project, log):
    """mutmut run with one child process; its progress goes to ``log``."""
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", "1"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    if done.returncode:
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"mutmut run failed ({done.returncode}) in {project}:\n{tail}")


# Run inside the bake (its folder is where mutmut reads its settings): each mutant's status, and a diff for the others.
INSIDE = """
import json, sys
from pathlib import Path
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
found = []
for meta in sorted(Path("mutants", sys.argv[1]).glob("*.py.meta")):
    path = Path(sys.argv[1], meta.name[: -len(".meta")])
    for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
        status = status_by_exit_code[code]
        diff = "" if status == "killed" else get_diff_for_mutant(name, path=path)
        found.append({"file": path.name, "name": name, "status": status, "diff": diff})
print(json.dumps(found))
"""


def mutants(project):
    done = subprocess.run(
        [sys.executable, "-c", INSIDE, PACKAGE], cwd=project, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def function_of(name):
    """``pkg.file.xǁClassǁmethod__mutmut_3`` -> ``Class.method``; ``pkg.file.x_func__mutmut_3`` -> ``func``."""
    mangled = name.rpartition(".")[2].rpartition("__mutmut_")[0]
    if "ǁ" in mangled:
        return ".".join(part for part in mangled.split("ǁ")[1:] if part)
    return mangled[2:]


def changed_lines(diff):
    """The lines a mutant takes out and puts in, each stripped, with its - or +."""
    return tuple(
        f"{line[0]} {line[1:].strip()}"
        for line in diff.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    )


def read_equivalent(path=EQUIVALENT):
    """equivalent_mutants.txt: blocks of `file function [variant ...]`, the - and + lines, and `why: ...`."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
        if not lines:
            continue
        head = lines[0].split()
        why = [line for line in lines if line.startswith("why:")]
        assert len(head) >= 2 and len(why) == 1 and why[0][4:].strip(), f"{path.name}: an entry needs a why:\n{block}"
        changed = tuple(f"{line[0]} {line[1:].strip()}" for line in lines[1:] if line[:1] in "-+")
        entries.append({"file": head[0], "function": head[1], "only": set(head[2:]), "changed": changed})
    return entries


def is_equivalent(mutant, entries, variant_name):
    changed = changed_lines(mutant["diff"])
    function = function_of(mutant["name"])
    matched = [
        entry
        for entry in entries
        if entry["file"] == mutant["file"]
        and entry["function"] == function
        and entry["changed"] == changed
        and (not entry["only"] or variant_name in entry["only"])
    ]
    for entry in matched:
        entry["matched"] = True  # an entry no mutant matches in a full run is stale: main() says so
    return bool(matched)


def tally(found, entries, variant_name):
    """Per file: killed, survived, equivalent, timeout, other (no tests, suspicious...), score; and the survivors."""
    table, survivors = {}, []
    for mutant in found:
        row = table.setdefault(
            mutant["file"], dict.fromkeys(("killed", "survived", "equivalent", "timeout", "other"), 0)
        )
        status = mutant["status"]
        if status in ("killed", "caught by type check"):
            row["killed"] += 1
        elif status == "timeout":
            row["timeout"] += 1
        elif is_equivalent(mutant, entries, variant_name):
            row["equivalent"] += 1
        else:
            row["survived" if status == "survived" else "other"] += 1
            survivors.append(mutant)
    for row in table.values():
        counted = sum(row.values()) - row["equivalent"]
        row["score"] = (row["killed"] + row["timeout"]) / counted if counted else 1.0
    return table, survivors


def measure(variant, files=None, tests=None, keep=KEPT, entries=None, skip=None):
    """Bake ``variant``, mutate it, return (per-file table, survivors, seconds)."""
    name = f"{variant['module_type']}-{variant['preset']}"
    keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = bake(variant, Path(folder))
        configure(project, files, tests, skip)
        run_mutmut(project, keep / f"{name}.log")
        found = mutants(project)
        seconds = time.perf_counter() - started
    table, survivors = tally(found, read_equivalent() if entries is None else entries, name)
    kept = [f"# {name}: {len(survivors)} surviving mutants (mutmut {mutmut_version()})"]
    for mutant in survivors:
        kept += ["", f"{mutant['file']} {function_of(mutant['name'])}  ({mutant['status']}, {mutant['name']})"]
        kept += [line for line in changed_lines(mutant["diff"])]
    (keep / f"{name}.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return table, survivors, seconds


def mutmut_version():
    from importlib.metadata import version

    return version("mutmut")


def print_table(name, table, seconds, tests=None, skip=None):
    chosen = (f"; only {', '.join(tests)}" if tests else "") + (f"; without {', '.join(skip)}" if skip else "")
    print(f"{name}  ({seconds:.0f} s, one child process{chosen})")
    print(f"  {'file':<22}{'killed':>8}{'survived':>10}{'equiv.':>8}{'timeout':>9}{'other':>7}{'score':>8}{'bar':>6}")
    for file, row in sorted(table.items()):
        bar = BARS.get(file)
        flag = "" if bar is None or row["score"] >= bar else "  under its bar"
        print(
            f"  {file:<22}{row['killed']:>8}{row['survived']:>10}{row['equivalent']:>8}{row['timeout']:>9}"
            f"{row['other']:>7}{row['score']:>7.1%}{'' if bar is None else f'{bar:.0%}':>6}{flag}"
        )


def under_bar(table):
    return [file for file, row in table.items() if file in BARS and row["score"] < BARS[file]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--type", help="one module type (processor, pipeline)")
    parser.add_argument("--preset", help="one preset")
    parser.add_argument("--files", help="comma-separated files of the package; default every file")
    parser.add_argument("--tests", help="comma-separated tests (files or node ids) to run alone on each mutant")
    parser.add_argument("--skip", help="comma-separated tests (files or node ids) left out of each mutant's run")
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is under its bar")
    args = parser.parse_args(argv)
    chosen = [v for v in variants() if (args.type in (None, v["module_type"])) and (args.preset in (None, v["preset"]))]
    files = args.files.split(",") if args.files else None
    tests = args.tests.split(",") if args.tests else None
    skip = args.skip.split(",") if args.skip else None
    failing, entries = [], read_equivalent()
    print(f"mutmut {mutmut_version()}; score = (killed + timed out) / (all - equivalent); survivors in {KEPT}")
    for variant in chosen:
        name = f"{variant['module_type']}-{variant['preset']}"
        table, _, seconds = measure(variant, files, tests, entries=entries, skip=skip)
        print_table(name, table, seconds, tests, skip)
        failing += [f"{name} {file}" for file in under_bar(table)]
    stale = [f"{entry['file']} {entry['function']}" for entry in entries if not entry.get("matched")]
    if stale and not (args.type or args.preset or args.files or tests or skip):
        print(f"equivalent_mutants.txt: {len(stale)} entries no mutant matched (stale?): {', '.join(stale)}")
    if args.check and failing:
        print("under the bar: " + ", ".join(failing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
