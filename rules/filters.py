"""The Jinja filters and globals of the template: safe literals for free text, the answer check
while prompting, and what the answers make of the code, for the templates and the hooks.

``AnswerFilters`` is the extension cookiecutter.json's ``_extensions`` names, through
iris_skeleton_extension.py.
"""

import contextlib
import functools
import hashlib
import json
import os
import shlex
import shutil
import time
from pathlib import Path

import cookiecutter
import jinja2
from cookiecutter.exceptions import FailedHookException
from jinja2 import TemplateError, pass_context, pass_environment
from jinja2.bccache import BytecodeCache, FileSystemBytecodeCache
from jinja2.ext import Extension

from . import answers, baked, hook_selection, in_iris, lines, pins, presets, retry, settings_spec, template
from .setting import entries

TEMPLATE_DIR = template.TEMPLATE_DIR


def python_literal(value):
    """A Python literal holding exactly ``value`` (or a list of them); strings are quoted as ruff format quotes them."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(python_literal, value)) + "]"
    value = str(value)
    quote = "'" if value.count('"') > value.count("'") else '"'
    if value.isprintable() and quote not in value and "\\" not in value:
        return quote + value + quote  # most texts, the hooks' long JSON among them: nothing to escape
    return quote + "".join(_escape(char, quote) for char in value) + quote


def _escape(char, quote):
    if char in ("\\", quote):
        return "\\" + char
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # \n, \t, \x00, \u200f...


def toml_string(value):
    """A TOML basic string holding exactly ``value``."""
    # JSON's escapes are TOML's; non-ASCII is kept as is (ensure_ascii=False), so no
    # surrogate pairs appear, and DEL, which JSON leaves raw, is escaped for TOML.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


@pass_environment
def refuse_bad_answers(environment, context):
    """Stop the bake while cookiecutter renders the derived names, before any folder exists.

    Cookiecutter creates the project folder from ``module_name`` before the pre-generation
    hook runs, so a name like ``../x`` must be stopped here. The answers are kept in the
    current folder for a retry; the command line reports this exception type as a message.
    """
    problems = answers.problems(context)
    if problems:
        raise FailedHookException(refusal(environment, dict(context), problems, Path.cwd(), cli_options()))
    return "checked"


def refusal(environment, given, problems, folder, options):
    """The refusal message, once the answers are written where the printed command reads them."""

    def render(raw, values):
        try:
            return environment.from_string(raw).render(cookiecutter=values)
        except (TemplateError, ValueError):  # a default that cannot be made from bad answers was not taken
            return None

    path, asked, reset = retry.write(folder, given, problems, render, suggestions(given))
    return retry.message(problems, path, asked, reset, retry.command(path, TEMPLATE_DIR, options))


def suggestions(given):
    """Better defaults than the template's for answers asked again: the keyword fixed, the good settings kept."""
    found = {}
    if "keyword" in given and answers.keyword_suggestion(given["keyword"]):
        found["keyword"] = answers.keyword_suggestion(given["keyword"])
    if "module_name" in given and not answers.module_name_problems(given["module_name"]):
        found.update(answers.shipped_suggestion(given))  # a name IRIS already ships: one it does not
    if {"settings", "module_type", "preset", "_hooks"} <= set(given):
        found["settings"] = answers.good_settings(given)
    return found


def recorded_template(context):
    """The template as .cruft.json records it: a URL or gh:... as given, a local folder as an absolute path.

    A relative path was relative to wherever cookiecutter ran. cruft bakes again from the
    recorded absolute path (or its clone of a URL), and gets the same answer.
    """
    given = str(context.get("_template", ""))
    remote = "://" in given or given.startswith(("gh:", "gl:", "bb:", "git@"))
    return given if remote or os.path.isabs(given) else str(TEMPLATE_DIR)


def cookiecutter_options():
    """The options of the cookiecutter command running this bake; None when cookiecutter runs as a library (cruft, tests)."""
    try:
        import click
        from cookiecutter.cli import main
    except ImportError:
        return None
    context = click.get_current_context(silent=True)
    return context.params if context is not None and context.command is main else None


def cli_options():
    """The options of this run that the retry command must repeat: where the project goes, and -f."""
    options = cookiecutter_options() or {}
    repeated = []
    if options.get("output_dir") not in (None, "."):
        repeated += ["-o", os.path.abspath(options["output_dir"])]
    if options.get("overwrite_if_exists"):
        repeated.append("-f")
    return repeated


def show_builtin_settings(context):
    """Before the settings prompt, name the settings the module already has, so that none is declared twice."""
    options = cookiecutter_options()
    if options and not options["no_input"] and {"module_type", "preset", "_hooks"} <= set(context):
        hint = answers.builtin_settings_hint(context)
        if hint:
            print(hint, flush=True)
    return ""


@pass_context
def iris(context):
    """The IRIS line the answers being rendered pick (``iris_version``), as a Line."""
    return lines.of(context["cookiecutter"])


@pass_context
def iris_hooks(context):
    """The hooks of that line, as a ``hook_selection.Catalogue``."""
    return hook_selection.catalogue(iris(context))


@pass_context
def iris_pinned(context, name):
    """The version that line pins ``name`` to (``celery`` -> ``5.2.7``)."""
    return pins.pinned(iris(context), name)


@pass_context
def license_text(context, name):
    """The licence ``name`` of ``templates/licenses/``, rendered: most are plain text, left uncompiled (see from_string)."""
    text = (template.LICENSES_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return context.environment.from_string(text).render(context.get_all())


# What Jinja's compiled code depends on beyond a template's name and text (the cache checks those itself).
COMPILE_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
    "autoescape",
    "finalize",
)


class CompiledTemplates(BytecodeCache):
    """The project's files as Jinja compiled them, kept in the user's cache folder for the next bake.

    Compiling the templates is most of a bake's time, and the same files are compiled again at
    every bake. Jinja keys each entry by the template's name and checks its text; the folder is
    one of its own for each Jinja, each setting of the environment, and each version of these
    rules, which set the environment up. A cache that cannot be read or written is no cache:
    the bake compiles, as without one.
    """

    def __init__(self, environment):
        self.environment = environment

    @functools.cached_property
    def files(self):
        # Read once the environment is complete: the extensions are loaded before its last settings.
        settings = [getattr(self.environment, name, None) for name in COMPILE_SETTINGS]
        extensions = sorted(type(extension).__qualname__ for extension in self.environment.extensions.values())
        versions = [jinja2.__version__, cookiecutter.__version__]  # cookiecutter's filters fold too
        digest = hashlib.sha256(repr([*versions, *map(_named, settings), *extensions]).encode())
        for path in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(path.read_bytes())
        try:
            home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            folder = home / "iris-skeleton-module" / f"jinja-{digest.hexdigest()[:16]}"
            folder.mkdir(parents=True, exist_ok=True)
            folder.touch()  # in use: kept by the pruning below
            _prune(folder.parent, keep=folder)
        except (OSError, RuntimeError):  # RuntimeError: no home folder
            return None
        return FileSystemBytecodeCache(str(folder))

    def load_bytecode(self, bucket):
        if self.files is not None:
            with contextlib.suppress(OSError, ValueError, EOFError):
                self.files.load_bytecode(bucket)

    def dump_bytecode(self, bucket):
        if self.files is not None:
            with contextlib.suppress(OSError):
                self.files.dump_bytecode(bucket)


UNUSED_FOR = 30 * 24 * 3600  # seconds: a cache of older rules that long unused is removed


def _prune(caches, keep):
    """Remove the caches of other rules or Jinja versions that no bake has used for UNUSED_FOR."""
    for folder in caches.glob("jinja-*"):
        if folder != keep and time.time() - folder.stat().st_mtime > UNUSED_FOR:
            shutil.rmtree(folder, ignore_errors=True)


def _named(value):
    return getattr(value, "__qualname__", value) if callable(value) else value


class PlainText:
    """A text without Jinja in it, as a template: it renders to itself."""

    def __init__(self, text):
        self.text = text

    def render(self, *args, **kwargs):
        return self.text


class InFolder:
    """A path whose Jinja is all in its folder, as a template: the folder rendered, then the plain file name."""

    def __init__(self, folder, name):
        self.folder = folder
        self.name = name

    def render(self, *args, **kwargs):
        return self.folder.render(*args, **kwargs) + self.name


def render_plain_text_as_is(environment):
    """Make ``environment.from_string`` hand back a text without Jinja as it is, and compile a folder once.

    Cookiecutter compiles each file's path, each answer's default and each choice as a template,
    about a hundred a bake, most of them plain text, and most of the rest a file of the package,
    ``{{cookiecutter.__package_name}}/name.py``; a compile costs as much for a plain text as for
    a short template. Kept as Jinja would render it: no line ending changed or dropped.
    """
    compile_template = environment.from_string
    folders = {}

    def holds(text, markers):
        return any(marker and marker in text for marker in markers)

    def from_string(source, *args, **kwargs):
        starts = (
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
        )
        ends = (environment.block_end_string, environment.variable_end_string, environment.comment_end_string)
        if not isinstance(source, str) or args or kwargs:
            return compile_template(source, *args, **kwargs)
        if "\r" in source or (source.endswith("\n") and not environment.keep_trailing_newline):
            return compile_template(source)  # Jinja's rendering changes or drops these line endings
        if not holds(source, starts):
            return PlainText(source)
        folder, slash, name = source.rpartition("/")
        # A name with no tag's start nor end in it lies outside every tag; a folder keeps no newline to drop.
        if slash and "\n" not in source and not holds(name, starts + ends):
            if folder not in folders:
                folders[folder] = compile_template(folder)
            return InFolder(folders[folder], slash + name)
        return compile_template(source)

    environment.from_string = from_string


class AnswerFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.bytecode_cache = CompiledTemplates(environment)
        # Jinja's optimizer tries to fold each expression into a constant as it compiles; the
        # project's expressions read answers, so it folds next to nothing, for 2 % of a first bake.
        environment.optimized = False
        render_plain_text_as_is(environment)
        environment.filters["python_literal"] = python_literal
        environment.filters["toml_string"] = toml_string
        environment.filters["refuse_bad_answers"] = refuse_bad_answers
        environment.filters["package_name"] = lambda module_name: answers.package_name(str(module_name))
        environment.filters["class_name"] = lambda keyword: answers.class_name(str(keyword))
        environment.filters["shell_word"] = lambda value: shlex.quote(str(value))
        environment.filters["module_description"] = answers.module_description
        environment.filters["keyword_slug"] = lambda keyword: answers.keyword_slug(str(keyword))
        # Cookiecutter's own _repo_dir is relative for a local template; hooks run elsewhere.
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        environment.globals["show_builtin_settings"] = show_builtin_settings
        environment.globals["recorded_template"] = recorded_template
        environment.globals["private_answers"] = answers.PRIVATE
        environment.globals["answer_problems"] = answers.problems  # the pre-generation hook's check
        # A retry's defaults: the answers it keeps, under those typed in the retry (see retry.py).
        environment.globals["with_answers"] = lambda context, kept: {**kept, **context}
        # What the answers make of the code: the hook plan, every setting, the pipeline arguments.
        environment.globals["hook_plan"] = lambda context: hook_selection.catalogue(lines.of(context)).plan(
            answers.hooks_answer(context)
        )
        environment.globals["module_settings"] = answers.module_settings
        environment.globals["undescribed_settings"] = answers.undescribed_settings
        environment.globals["own_settings"] = lambda context: entries(settings_spec.settings(context["settings"]))
        environment.globals["human_name"] = answers.human_name
        environment.globals["settings_table"] = baked.readme_settings.table
        environment.globals["preset"] = presets.of
        environment.globals["in_iris"] = in_iris.section
        environment.globals["unused_files"] = answers.unused_files
        # The IRIS line the module is baked for: iris().release, iris().python... (rules/lines.py).
        environment.globals["iris"] = iris
        environment.globals["iris_hooks"] = iris_hooks  # iris_hooks().data, its iris_hooks.json
        environment.globals["iris_pinned"] = iris_pinned  # iris_pinned("celery")
        environment.globals["license_text"] = license_text
        environment.globals["pipeline_args"] = lambda context: settings_spec.pipeline_args(
            answers.pipeline_args_answer(context)
        )
