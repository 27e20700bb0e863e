"""What the module installs beside IRIS, checked against what IRIS has.

IRIS runs a module inside its own environment: a package that moves one of IRIS's can stop IRIS.
pip, given IRIS's packages as constraints, refuses instead; this script says why in plain words.
Two lists of IRIS's packages: iris-constraints.txt, the pins of the release the project was baked
for (``make check``, no IRIS needed), and what the user's IRIS has installed, read from its
containers (``make install``: a later patch release has other versions).

    python tools/iris_pins.py check --module DISTRIBUTION [REQUIREMENT...] [--no-deps REQUIREMENT...]
        the module's own name against IRIS's pins, then pip's resolver in dry-run, for IRIS's Python, on
        an empty target (make check)
    python tools/iris_pins.py installed --except DISTRIBUTION LISTING...
        IRIS's installed packages as constraints, from each container's `pip list --format=json`;
        refuses, with the difference, when the containers do not hold the same (make install)
    python tools/iris_pins.py --installed --constraints FILE explain LOG
        what a failed `pip install -c FILE ...` says (make install)
    python tools/iris_pins.py --installed --constraints FILE plan REPORT INSTALLED
        the exact list to install in every container, from pip's report in the first one; refuses
        to replace anything already installed (make install)
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

CONSTRAINTS = "iris-constraints.txt"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# What pip prints when it cannot reach an index; it then reports the packages as missing, or even
# as conflicting with a pin, so these lines are looked for first.
NO_INDEX = ("connection broken by", "Could not fetch URL", "NewConnectionError", "Max retries exceeded")
CONFLICT = ("ResolutionImpossible", "conflicting dependencies")  # pip's verdict once it had what it needed
NEVER_A_PIN = "      Never change a pin to make room: IRIS needs its packages as they are."


def canonical(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def name_of(requirement):
    return canonical(NAME.match(requirement.strip()).group())


def read_pins(path=CONSTRAINTS):
    """``{canonical name: requirement}`` for each line of IRIS's constraints."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return {name_of(line): line.strip() for line in lines if line.strip() and not line.startswith("#")}


def unreachable(pip_output):
    """pip's complaint about the network, unless pip got far enough to find the packages in conflict: a download
    retried under load that then got through leaves pip's verdict standing."""
    if any(marker in pip_output for marker in CONFLICT):
        return None
    return next((line.strip() for line in pip_output.splitlines() if any(marker in line for marker in NO_INDEX)), None)


def installed_constraints(listings, except_name):
    """``(constraints, problems)``: ``name==version`` for each package the containers hold (but
    ``except_name``, the module itself, which an upgrade replaces), or the containers' differences."""
    holds = {
        Path(listing).stem.removeprefix("iris-installed-"): {
            canonical(item["name"]): f"{item['name']}=={item['version']}" for item in read_json(listing)
        }
        for listing in listings
    }
    (first, packages), *others = holds.items()
    problems = []
    for container, their in others:
        for name in sorted(set(packages) | set(their)):
            if packages.get(name) != their.get(name):
                problems.append(
                    f"        {name}: {packages.get(name, 'not installed')} in {first},"
                    f" {their.get(name, 'not installed')} in {container}"
                )
    constraints = [line for name, line in sorted(packages.items()) if name != canonical(except_name)]
    return constraints, problems


def explain(pip_output, constraints=CONSTRAINTS, installed=False):
    """Plain lines for a failed pip run: which pin blocked which dependency, and the way out."""
    lines = [line.strip() for line in pip_output.splitlines()]
    network = unreachable(pip_output)
    if network:
        return [f"FAIL  pip could not reach a package index: {network}"]
    if "The conflict is caused by:" not in lines:
        errors = [line for line in lines if line.startswith("ERROR")] or lines[-3:]
        return ["FAIL  pip refused:", *(f"        {line}" for line in errors)]
    wanted = asked_for(next((line for line in lines if line.startswith("ERROR: Cannot install ")), ""))
    causes = block_after("The conflict is caused by:", lines)
    pins = [line.removeprefix("The user requested (constraint) ") for line in causes if "(constraint)" in line]
    if not pins:
        return ["FAIL  the module's own requirements conflict:", *(f"        {line}" for line in causes)]
    report = [f"FAIL  IRIS's pins leave no room for {wanted}:"]
    blocked = []  # the lines that ask for another version of a pinned package
    for pin in pins:
        report.append(
            f"        IRIS has {pin} installed" if installed else f"        IRIS pins {pin} ({Path(constraints).name})"
        )
        for cause in causes:
            needed = cause.split(" depends on ")[-1].removeprefix("The user requested ")
            if "(constraint)" not in cause and name_of(needed) == name_of(pin):
                report.append("        " + cause.replace("The user requested", "the module asks for"))
                blocked.append(cause)
    dependants = sorted({cause.split(" ")[0] for cause in blocked if " depends on " in cause})
    if dependants:
        report += [
            f"      Ways out: a release of {wanted} whose dependencies fit IRIS's pins; or, if the module",
            f"      never imports {', '.join(dependants)}, install {wanted} without its dependencies",
            "      (EXTRA_NO_DEPS, pinned ==) and what it does import in EXTRA_PACKAGES; or do without it.",
        ]
    else:
        report.append(f"      Way out: ask for what IRIS's pin allows ({', '.join(pins)}): the module gets IRIS's.")
    return report + [NEVER_A_PIN]


def asked_for(cannot_install):
    """``pyvelociraptor==0.1.14`` from pip's "Cannot install pyvelociraptor and pyvelociraptor==0.1.14 because"."""
    text = cannot_install.removeprefix("ERROR: Cannot install ").split(" because ")[0]
    longest = {}
    for requirement in re.split(r", | and ", text):
        if requirement and len(requirement) > len(longest.get(name_of(requirement), "")):
            longest[name_of(requirement)] = requirement
    return ", ".join(longest.values()) or "what the module asks for"


def block_after(heading, lines):
    """The lines after ``heading``, up to the next blank line."""
    block = []
    for line in lines[lines.index(heading) + 1 :]:
        if not line:
            break
        block.append(line)
    return block


def own_name(distribution, constraints=CONSTRAINTS):
    """FAIL lines when IRIS pins a package of the module's own name (it ships a module so named), else none.

    pip, asked for the wheel under IRIS's pins, refuses it when the versions differ and replaces IRIS's
    own module when they agree: either way the name is taken. No resolver is needed to say so, and
    the answer holds with no package index.
    """
    pin = read_pins(constraints).get(canonical(distribution))
    if pin is None:
        return []
    return [
        f"FAIL  IRIS pins {pin} ({Path(constraints).name}): it ships a package named as this module,",
        f"      {distribution}. pip refuses the wheel beside it, or would replace IRIS's own.",
        "      Way out: rename the module (pyproject.toml's name, the package folder, the Makefile's",
        "      PACKAGE and DISTRIBUTION), or bake again with another keyword or module_name.",
    ]


def check(requirements, no_deps, python_version, constraints=CONSTRAINTS, keep_report=None, module=None):
    """Resolve what `make install` adds, for IRIS's Python, as if nothing were installed: 0 when it fits.

    ``keep_report``: where to write what was resolved (pip's report entries); ``module``: the module's
    own distribution, which must not be one IRIS pins.
    """
    taken = own_name(module, constraints) if module else []
    if taken:
        print("\n".join(taken))
        return 1
    if not requirements and not no_deps:
        print("OK    make install adds nothing beside IRIS (EXTRA_PACKAGES and EXTRA_NO_DEPS are empty)")
        return 0
    resolved = []
    for group, flags in ((requirements, []), (no_deps, ["--no-deps"])):
        if not group:
            continue
        done, report = dry_run(group, flags, python_version, constraints)
        output = done.stdout + done.stderr
        if done.returncode != 0 and unreachable(output):
            print(f"SKIP  no package index reachable, so not checked: does {' '.join(group)} fit IRIS's pins?")
            print(f"      pip said: {unreachable(output)}")
            return 0
        if done.returncode != 0:
            print("\n".join(explain(output, constraints)))
            return 1
        resolved += report["install"]
    if keep_report:
        Path(keep_report).parent.mkdir(parents=True, exist_ok=True)
        Path(keep_report).write_text(json.dumps({"install": resolved}, indent=2), encoding="utf-8")
    pins = read_pins(constraints)
    found = [item["metadata"] for item in resolved]
    ours = [f"{item['name']} {item['version']}" for item in found if canonical(item["name"]) not in pins]
    iris = [pins[canonical(item["name"])] for item in found if canonical(item["name"]) in pins]
    print(f"OK    what make install adds fits beside IRIS's pins on Python {python_version}")
    print(f"      resolved as if nothing were installed: {', '.join(ours)}")
    if iris:
        print(f"      and IRIS's own, which it keeps: {', '.join(iris)}")
    return 0


def dry_run(requirements, flags, python_version, constraints):
    """pip's resolver for IRIS's Python into an empty folder (--target), so this machine's packages do not count."""
    if python_version.count(".") == 1:
        # pip reads 3.9 as 3.9.0, which some packages refuse (cryptography: !=3.9.0,!=3.9.1, for a bug of
        # those releases); IRIS's images have a later patch release.
        python_version += ".99"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        command = [
            sys.executable, "-m", "pip", "install", "--dry-run", "--report", str(report),
            "--target", str(Path(folder, "target")), "--python-version", python_version, "--only-binary=:all:",
            "--retries", "1", "--timeout", "15", "--disable-pip-version-check", *flags,
            "-c", constraints, *requirements,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        return done, json.loads(report.read_text(encoding="utf-8")) if done.returncode == 0 else None


def plan(report, installed, constraints=CONSTRAINTS, pins_installed=False):
    """``name==version`` for each package pip would add; 1 when it would replace one already installed."""
    entries = read_json(report)["install"]
    to_install = [item["metadata"] for item in entries]
    there = {canonical(item["name"]): item["version"] for item in read_json(installed)}
    replaced = [item for item in to_install if canonical(item["name"]) in there]
    if not replaced:
        pinned = [f"{item['name']}=={item['version']}" for item in to_install]
        print(f"To add in every container: {' '.join(pinned) or 'nothing, they have it all'}", file=sys.stderr)
        print("\n".join(pinned))
        return 0
    pins = read_pins(constraints)
    requested = {canonical(item["metadata"]["name"]) for item in entries if item.get("requested")}
    lines = ["FAIL  make install only adds packages beside IRIS's, and pip would replace some:"]
    for item in replaced:
        name = canonical(item["name"])
        why = [f"{other['name']} requires {need}" for other in to_install for need in needs_of(other, name)]
        why += ["EXTRA_PACKAGES asks for it"] if name in requested else []
        owner = f"IRIS pins {pins[name]}" if name in pins and not pins_installed else "IRIS has it installed"
        because = f" ({'; '.join(why)})" if why else ""
        lines.append(f"        {item['name']} {there[name]} would become {item['version']}{because}; {owner}")
    lines.append("      Way out: a release of what EXTRA_PACKAGES asks for that accepts what is installed.")
    if any(canonical(item["name"]) not in pins for item in replaced):
        lines += [
            "      For a package IRIS does not pin, if you accept the change, replace it yourself in each container",
            "      (pip install 'NAME==VERSION') and run make install again.",
        ]
    print("\n".join([*lines, NEVER_A_PIN]), file=sys.stderr)
    return 1


def needs_of(metadata, name):
    """What ``metadata``'s package requires of ``name`` (its requirements for extras aside)."""
    return [need for need in metadata.get("requires_dist", []) if name_of(need) == name and "extra ==" not in need]


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--constraints", default=CONSTRAINTS, help="IRIS's pins (default: %(default)s)")
    parser.add_argument("--installed", dest="pins_installed", action="store_true",
                        help="the constraints are what IRIS has installed, not its release's pins")  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="resolve the module's extra packages beside IRIS's pins")
    checking.add_argument("requirements", nargs="*")
    checking.add_argument("--no-deps", nargs="*", default=[], help="requirements installed without dependencies")
    checking.add_argument("--python-version", required=True, help="the Python IRIS runs modules on, e.g. 3.9")
    checking.add_argument("--report", help="where to keep what was resolved, as JSON")
    checking.add_argument("--module", help="the module's own distribution name, checked against the pins")
    explaining = commands.add_parser("explain", help="say why pip refused, from its output")
    explaining.add_argument("log")
    listing = commands.add_parser("installed", help="IRIS's installed packages as constraints, alike in each container")
    listing.add_argument(
        "listings", nargs="+", help="`pip list --format=json` of each, as iris-installed-<container>.json"
    )
    listing.add_argument("--except", dest="except_name", required=True, help="the module's distribution")
    planning = commands.add_parser("plan", help="the exact packages to install, from pip's report")
    planning.add_argument("report")
    planning.add_argument("installed", help="`pip list --format=json` of the container")
    args = parser.parse_args(argv)

    if args.command == "check":
        return check(args.requirements, args.no_deps, args.python_version, args.constraints, args.report, args.module)
    if args.command == "explain":
        print("\n".join(explain(Path(args.log).read_text(encoding="utf-8"), args.constraints, args.pins_installed)))
        return 0
    if args.command == "installed":
        taken = own_name(args.except_name, args.constraints)  # before anything goes in: make install's first step
        if taken:
            print("\n".join(taken), file=sys.stderr)
            return 1
        constraints, problems = installed_constraints(args.listings, args.except_name)
        if problems:
            lines = [
                "FAIL  IRIS's containers do not hold the same packages, so the module cannot go in the same in each:",
                "      bring them to one IRIS release first (docker compose pull, up). The differences:",
                *problems,
            ]
            print("\n".join(lines), file=sys.stderr)
            return 1
        print("\n".join(constraints))
        return 0
    return plan(args.report, args.installed, args.constraints, args.pins_installed)


if __name__ == "__main__":
    sys.exit(main())
