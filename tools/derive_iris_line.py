"""Derive an IRIS line's data (``templates/iris/<release>/``) from a checkout of iris-web's source.

    .venv/bin/python tools/derive_iris_line.py --source ../shared/iris-web-2.4.20 --commit 56ef91b5 templates/iris/2.4.20

writes ``iris_hooks.json``, ``iris_rows.json`` and ``constraints.txt`` into the folder, and the fields of its
``line.json`` IRIS's source decides (``python``, ``python_source``, ``ruff_target``, ``commit``), leaving the
others as they are. The line is the folder's name unless ``--line`` says; the commit is the checkout's HEAD when it
is a git clone, else ``--commit``.

Names (hooks, their kind, phase and the shape of their data, IOC types, pins...) come from IRIS's source, read with
``ast`` and never imported. The words around them, which no source holds, are in ``iris_line_words.json`` beside
this file, keyed by those names: a name it lacks stops the script, which is how a new IRIS release gets noticed.
"""

import argparse
import ast
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

WORDS = Path(__file__).with_name("iris_line_words.json")
PHASE_PREFIXES = {"on_preload_": "preload", "on_postload_": "postload", "on_manual_trigger_": "manual"}


class Refused(Exception):
    """The source holds something the words file does not name, or that the script cannot read."""


def derive(source, out, line=None, commit=None, words_file=WORDS):
    source, out = Path(source), Path(out)
    line = line or out.name
    words = _words(json.loads(Path(words_file).read_text(encoding="utf-8")), line, words_file)
    iris = Source(source)
    # The hooks first: one the words lack is what a new IRIS brings, and the first thing to say.
    hooks = iris.hooks(words, words_file)
    facts = {
        "version": iris.version(),
        "commit": commit or _git_commit(source),
        "python": iris.python()[0],
        "extras": ", ".join(iris.extras()),
        **iris.citations(),
    }
    label = facts["version"] if line == facts["version"] else f"{line} ({facts['commit']})"
    out.mkdir(parents=True, exist_ok=True)
    (out / "iris_hooks.json").write_text(_hooks_json(hooks, words, label, facts), encoding="utf-8")
    rows = {"iris_version": label, "about": words["rows_about"].format(**facts), **iris.rows()}
    (out / "iris_rows.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    header = [text.format(**facts) for text in words["constraints_header"]]
    (out / "constraints.txt").write_text("\n".join([*header, *iris.pins()]) + "\n", encoding="utf-8")
    _update_target(out / "line.json", iris, facts)


def _words(words, line, words_file):
    """The words of ``line``: the shared ones with the line's own over them."""
    if line not in words["lines"]:
        raise Refused(f"{words_file} has no words for the IRIS line {line!r}: add it under 'lines'")
    own = words["lines"][line]
    merged = {**words, **{key: value for key, value in own.items() if not isinstance(value, dict)}}
    for key in ("kinds", "phases", "data", "hooks"):
        merged[key] = {**words[key], **own.get(key, {})}
    return merged


def _git_commit(source):
    if (source / ".git").exists():
        done = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short=8", "HEAD"], capture_output=True, text=True
        )
        if done.returncode == 0:
            return done.stdout.strip()
    raise Refused(f"{source} is not a git clone: say which commit it is with --commit")


def _hooks_json(hooks, words, label, facts):
    kinds = list(dict.fromkeys(hook["kind"] for hook in hooks))
    shapes = {hook["data"] for hook in hooks}

    def block(name, entries):
        lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in entries]
        return f' "{name}": {{\n' + ",\n".join(lines) + "\n }"

    parts = [
        f' "iris_version": {json.dumps(label)}',
        f' "source": {json.dumps(words["hooks_source"].format(**facts), ensure_ascii=False)}',
        block("kinds", [(kind, words["kinds"][kind]) for kind in kinds]),
        block("phases", words["phases"].items()),
        block("data", [(shape, text) for shape, text in words["data"].items() if shape in shapes]),
        ' "hooks": [\n' + ",\n".join(f"  {json.dumps(hook, ensure_ascii=False)}" for hook in hooks) + "\n ]",
    ]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _update_target(path, iris, facts):
    python, lines = iris.python()
    derived = {
        "commit": facts["commit"],
        "python": python,
        "python_source": f"docker/webApp/Dockerfile:{','.join(map(str, lines))}: FROM python:{python}",
        "ruff_target": "py" + python.replace(".", ""),
    }
    # The other fields are the line's rules and prose: a new line's line.json gets them by hand.
    target = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    target.update(derived)
    path.write_text(json.dumps(target, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class Source:
    """What one iris-web checkout says, read from its files."""

    def __init__(self, root):
        self.root = Path(root)
        self.app = self.root / "source" / "app"
        self.post_init = _parse(self.app / "post_init.py")

    def created(self, function):
        """The create_safe*() calls of one of post_init.py's functions, in source order: one row each."""
        calls = [
            call
            for call in ast.walk(_function(self.post_init, function, self.app / "post_init.py"))
            if isinstance(call, ast.Call) and (_called(call) or "").startswith("create_safe")
        ]
        return sorted(calls, key=lambda call: (call.lineno, call.col_offset))

    def version(self):
        text = (self.app / "configuration.py").read_text(encoding="utf-8")
        return re.search(r'IRIS_VERSION = "v?([^"]+)"', text).group(1)

    def python(self):
        """The Python IRIS's images run, and the Dockerfile lines that say it."""
        text = (self.root / "docker" / "webApp" / "Dockerfile").read_text(encoding="utf-8")
        found = {
            number: match.group(1)
            for number, line in enumerate(text.splitlines(), 1)
            if (match := re.match(r"FROM python:(\d+\.\d+)", line))
        }
        if len(set(found.values())) != 1:
            raise Refused(f"docker/webApp/Dockerfile names {sorted(set(found.values()))} as its Python, not one")
        return next(iter(found.values())), list(found)

    def requirements(self):
        text = (self.root / "source" / "requirements.txt").read_text(encoding="utf-8")
        return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]

    def extras(self):
        return [match.group() for line in self.requirements() if (match := re.match(r"[^[\s]+\[[^]]*\]", line))]

    def pins(self):
        """requirements.txt as pip constraints: pip refuses extras there, and a bundled wheel by its path."""
        pins = []
        for line in self.requirements():
            if line.endswith(".whl"):
                name, version = Path(line).name.split("-")[:2]
                pins.append(f"{name}=={version}")
            else:
                pins.append(re.sub(r"\[[^]]*\]", "", line))
        return pins

    def rows(self):
        types = [_keywords(call) for call in self.created("create_safe_ioctypes")]
        formats = {
            row["type_name"]: {"regex": row["type_validation_regex"], "expect": row["type_validation_expect"]}
            for row in types
            if row.get("type_validation_regex")
        }
        tlps = [_keywords(call)["tlp_name"] for call in self.created("create_safe_tlp")]
        # Alembic's migrations run before post_init, so a severity one inserts takes the first ids.
        severities = [name for _, _, name in self._migrated_severities()]
        for call in self.created("create_safe_severities"):
            if (name := _keywords(call)["severity_name"]) not in severities:
                severities.append(name)
        return {
            "ioc_types": [row["type_name"] for row in types],
            "ioc_type_formats": formats,
            "tlps": tlps,
            "severities": {name: number for number, name in enumerate(severities, 1)},
        }

    def _migrated_severities(self):
        for path in sorted((self.app / "alembic" / "versions").glob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if match := re.search(r"INSERT INTO severities \(severity_name[^)]*\) VALUES \('([^']+)'", line):
                    yield path, number, match.group(1)

    def citations(self):
        """file:line of what the rows' about text cites."""

        def span(nodes):
            return f"{nodes[0].lineno}-{nodes[-1].end_lineno}"

        schema = self.app / "schema" / "marshables.py"
        check = _first(
            (
                node
                for node in ast.walk(_parse(schema))
                if isinstance(node, ast.If) and getattr(node.test, "attr", None) == "type_validation_regex"
            ),
            f"{schema} checks no IOC value against type_validation_regex",
        )
        limited_file = _first(
            (path for path in sorted(self.app.rglob("*.py")) if "def create_safe_limited(" in _text(path)),
            f"{self.app} defines no create_safe_limited()",
        )
        limited = _function(_parse(limited_file), "create_safe_limited", limited_file)
        dropping = _first(
            (node for node in limited.body if isinstance(node, ast.For)), "create_safe_limited() drops no keyword"
        )
        migrations = [f"{path.name}:{number}" for path, number, _ in self._migrated_severities()]
        return {
            "ioc_types": span(self.created("create_safe_ioctypes")),
            "tlps": span(self.created("create_safe_tlp")),
            "severities": span(self.created("create_safe_severities")),
            "format_check": f"{schema.relative_to(self.app).as_posix()}:{check.lineno}-{check.end_lineno}",
            "keywords_kept": f"{limited_file.relative_to(self.app).as_posix()}:{limited.lineno}-{dropping.end_lineno}",
            "severity_migration": ", ".join(migrations),
        }

    def hooks(self, words, words_file):
        """Every hook create_safe_hooks() makes, in its order, with its kind, phase and the shape of its data."""
        names = [_keywords(call)["hook_name"] for call in self.created("create_safe_hooks")]
        found = self.call_sites(names)
        hooks = []
        for name in names:
            if name not in words["hooks"]:
                raise Refused(
                    f"{words_file} lacks the hook {name} (create_safe_hooks() makes it): add it under 'hooks'"
                )
            phase = next((phase for prefix, phase in PHASE_PREFIXES.items() if name.startswith(prefix)), None)
            if phase is None:
                raise Refused(f"hook {name}: its name says no phase ({', '.join(PHASE_PREFIXES)})")
            kind = _kind(name, words["kinds"])
            if kind is None:
                raise Refused(f"hook {name}: no kind of {words_file} is in its name: add its kind under 'kinds'")
            hook = {"name": name, "kind": kind, "phase": phase, "data": _shape(name, phase, kind, found[name])}
            if words["hooks"][name]:
                hook["note"] = words["hooks"][name]
            hooks.append(hook)
        missing = sorted({hook["data"] for hook in hooks} - set(words["data"]))
        if missing:
            raise Refused(
                f"{words_file} lacks the data shapes {', '.join(missing)} (IRIS's hooks pass them): describe them"
            )
        return hooks

    def call_sites(self, names):
        """``{hook: {what its data is at a call site: [file:line, ...]}}`` over every call_modules_hook() call."""
        found = {name: {} for name in names}
        calls = Calls(self.app)
        for path, function, call in calls.of("call_modules_hook"):
            hook, data = _argument(call, 0, "hook_name"), _argument(call, 1, "data")
            what = _data_kind(data, function, call)
            site = f"{path.relative_to(self.root).as_posix()}:{call.lineno}"
            for name in _hook_names(hook, function, names, calls):
                if name not in found:
                    raise Refused(f"{site} fires {name}, which create_safe_hooks() does not make")
                found[name].setdefault(what, []).append(site)
        return found


class Calls:
    """Every call in the app's code, with the function it is made in, and the functions by name."""

    def __init__(self, app):
        self.calls, self.functions = [], {}
        for path in sorted(app.rglob("*.py")):
            tree = _parse(path)
            functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
            for function in [tree, *functions]:
                self.functions.setdefault(getattr(function, "name", None), function)
                self.calls += [(path, function, call) for call in _own_calls(function)]

    def of(self, name):
        return [(path, function, call) for path, function, call in self.calls if _called(call) == name]

    def literals(self, function, parameter, seen=()):
        """The strings ``function``'s ``parameter`` is given, followed through callers that pass on their own."""
        callee = self.functions.get(function)
        parameters = [argument.arg for argument in callee.args.args] if callee else []
        if parameter not in parameters or (function, parameter) in seen:
            return set()
        found = set()
        for _, caller, call in self.of(function):
            given = _argument(call, parameters.index(parameter), parameter)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                found.add(given.value)
            elif isinstance(given, ast.Name) and hasattr(caller, "name"):
                found |= self.literals(caller.name, given.id, {*seen, (function, parameter)})
        return found


def _shape(name, phase, kind, found):
    """The shape of a hook's data (a key of the words' ``data``), from what its call sites pass."""
    what = set(found)
    comment = "_comment" in name
    shapes = {
        frozenset(): "never_fired",
        frozenset({"id"}): "ids",
        frozenset({"id", "dict"}): "ids_or_dict",
        frozenset({"request"}): "request_dict" if phase == "preload" else "request_body",
        frozenset({"object"}): "comment_objects" if comment else "objects",
        frozenset({"comment and object dicts"}): "comment_and_object_dicts",
    }
    if comment and what == {"dump"}:
        return "comment_dict"
    if kind == "report" and what == {"dict"}:
        return "report_dict"
    if frozenset(what) in shapes:
        return shapes[frozenset(what)]
    sites = "; ".join(f"{key} at {', '.join(value)}" for key, value in sorted(found.items()))
    raise Refused(f"hook {name}: its call sites pass data of no known shape ({sites})")


def _data_kind(node, function, call):
    """What a call site passes as data, read from the expression and the assignments in its function."""
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    if re.search(r"(^|_)(id|identifier)$", name):
        return "id"
    # Before IRIS saves there is no object yet: a pre-load hook gets the fields it is about to check and save.
    if _is_preload(call):
        return "request"
    if isinstance(node, ast.Name):
        assigned = [
            statement.value
            for statement in ast.walk(function)
            if isinstance(statement, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == node.id for target in statement.targets)
            and statement.lineno < call.lineno
        ]
        for value in assigned:
            if isinstance(value, (ast.Dict, ast.Call)) and (what := _data_kind(value, function, call)) != "object":
                return what
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return "text"
    if isinstance(node, ast.Dict):
        keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
        return "comment and object dicts" if "comment" in keys else "dict"
    if isinstance(node, ast.Call) and _called(node) == "get_json":
        return "request"
    if isinstance(node, ast.Call) and _called(node) == "dump":
        return "dump"
    return "object"


def _is_preload(call):
    hook = _argument(call, 0, "hook_name")
    return isinstance(hook, ast.Constant) and str(hook.value).startswith("on_preload_")


def _hook_names(node, function, names, calls):
    """The hooks a call site can fire: its literal name, the names an f-string makes from the strings its function is
    given, or, for a name the request gives, every manual hook (IRIS offers only those in its menus)."""
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        pattern = "".join(
            re.escape(part.value) if isinstance(part, ast.Constant) else "(?P<value>[a-z_]+)" for part in node.values
        )
        placeholder = next(part.value for part in node.values if isinstance(part, ast.FormattedValue))
        values = set()
        for parameter in _sources(placeholder, function):
            # case_comments.py makes the hook's name from an object type less its plural 's' (2.4.20: lines 47-49).
            values |= {value for given in calls.literals(function.name, parameter) for value in (given, given[:-1])}
        return [name for name in names if (match := re.fullmatch(pattern, name)) and match.group("value") in values]
    return [name for name in names if name.startswith("on_manual_trigger_")]


def _sources(node, function):
    """The names a placeholder's value comes from: itself, and what it is assigned from in its function."""
    if not isinstance(node, ast.Name):
        return set()
    found = {node.id}
    for statement in ast.walk(function):
        if isinstance(statement, ast.Assign) and any(
            getattr(target, "id", None) == node.id for target in statement.targets
        ):
            if isinstance(statement.value, ast.Name) and statement.value.id not in found:
                found |= _sources(statement.value, function)
    return found


def _kind(name, kinds):
    """The longest kind named in the hook's name: ``on_postload_global_task_create`` is a global task's."""
    rest = "_" + re.sub(r"^on_(preload|postload|manual_trigger)_", "", name) + "_"
    named = [kind for kind in kinds if f"_{kind}_" in rest]
    return max(named, key=len) if named else None


def _parse(path):
    with warnings.catch_warnings():  # post_init.py writes its regexes '.+\|...', an escape Python warns about
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return ast.parse(_text(path), filename=str(path))


def _text(path):
    return Path(path).read_text(encoding="utf-8")


def _function(tree, name, path):
    found = (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == name)
    return _first(found, f"{path} has no {name}()")


def _first(found, missing):
    """The first of ``found``; where there is none, this IRIS keeps it somewhere the script does not read yet."""
    for item in found:
        return item
    raise Refused(f"{missing}: teach the script where this IRIS has it")


def _own_calls(function):
    """Calls in ``function`` but not in a function nested in it (that one is walked on its own)."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _called(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _argument(call, position, keyword):
    named = [item.value for item in call.keywords if item.arg == keyword]
    return named[0] if named else (call.args[position] if len(call.args) > position else None)


def _keywords(call):
    """A call's keyword arguments written as literals (the rows' names, regexes...)."""
    return {item.arg: item.value.value for item in call.keywords if isinstance(item.value, ast.Constant)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="a checkout of iris-web")
    parser.add_argument("out", help="the line's folder, e.g. templates/iris/2.4.20")
    parser.add_argument("--line", help="the IRIS line (its words in iris_line_words.json); the folder's name if not")
    parser.add_argument("--commit", help="the checkout's commit, when it is not a git clone")
    parser.add_argument("--words", default=WORDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        derive(args.source, args.out, line=args.line, commit=args.commit, words_file=args.words)
    except Refused as refusal:
        sys.exit(f"derive_iris_line: {refusal}")


if __name__ == "__main__":
    main()
