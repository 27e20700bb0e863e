"""The ``preset`` answer: the modules people build, each a starting point that already works.

A preset names the module type it bakes, the hooks it answers by default, the handler
functions it implements, the files it adds to the package and its tests, its settings and
what it needs installed. Its handler, client and tests are in ``templates/presets/<name>/``.
"""

from dataclasses import dataclass, field

BLANK = "blank"


@dataclass(frozen=True)
class Preset:
    module_type: str  # "processor", "pipeline", or "any"
    summary: str
    hooks: str = "on_postload_ioc_create, on_manual_trigger_ioc"  # the hooks answer's default
    functions: tuple = ()  # handler functions it implements; empty: whatever the hooks need
    files: tuple = ()  # package and test files it keeps, beyond the type's own
    settings: list = field(default_factory=list)  # IRIS configuration entries, before the user's
    dependencies: tuple = ()  # requirements beyond iris-interface; IRIS ships requests and jinja2
    extra_installs: tuple = ()  # what IRIS's containers lack and `make install` adds


def setting(name, human, description, setting_type, default, mandatory=False, section=None):
    entry = {
        "param_name": name,
        "param_human_name": human,
        "param_description": description,
        "default": default,
        "mandatory": mandatory,
        "type": setting_type,
    }
    return entry if section is None else {**entry, "section": section}


# One definition each for the settings the helpers read.
HTTP_SETTINGS = [
    setting("timeout", "Timeout (s)", "Seconds to wait to connect, and again for each answer.", "int", 30,
            section="Connection"),
    setting("retries", "Retries", "Retries after a 429 or 5xx answer, with growing waits (Retry-After is obeyed).",
            "int", 3, section="Connection"),
    setting("verify_tls", "Verify TLS certificates", "Switch off only for a test server.", "bool", True,
            mandatory=True, section="Connection"),
    setting("ca_bundle", "CA bundle path", "A PEM file of the CAs to trust, for a private CA; empty trusts the usual ones.",
            "string", "", section="Connection"),
]  # fmt: skip
REPORT_SETTINGS = [
    setting("report_tab", "Report tab", "The tab the report is written to on each object.", "string", "Report",
            mandatory=True, section="Report"),
    setting("report_template", "Report template", "A Jinja template of the report's HTML; values are escaped."
            " Empty uses the module's report.html.", "textfield_html", "", section="Report"),
]  # fmt: skip
HELPERS = {
    "ioc_types": ("PACKAGE/ioc_types.py", "tests/test_ioc_types.py"),
    "http": ("PACKAGE/http_session.py", "tests/test_http_session.py", "tests/fake_service.py"),
    "report": ("PACKAGE/enrichment.py", "PACKAGE/report.html", "tests/test_enrichment.py"),
}


def helper_files(*names):
    return tuple(path for name in names for path in HELPERS[name])


PRESETS = {
    BLANK: Preset("any", "an empty module: a handler function with a TODO per hook, or a file handler"),
    "ioc-enrichment": Preset(
        "processor",
        "looks IOCs up in a web service by exact IRIS type; writes an escaped report tab and tags",
        hooks="on_postload_ioc_create, on_postload_ioc_update, on_manual_trigger_ioc",
        functions=("handle_iocs",),
        files=("PACKAGE/client.py", *helper_files("ioc_types", "http", "report")),
        settings=[
            setting("api_url", "API URL", "The service's API root.", "string", "https://api.example.org/v1",
                    mandatory=True, section="Connection"),
            setting("api_key", "API key", "The service's API key. Fill it in before enabling the module.",
                    "sensitive_string", None, mandatory=True, section="Connection"),
            *HTTP_SETTINGS,
            *REPORT_SETTINGS,
        ],  # fmt: skip
        dependencies=("requests>=2.25,<3", "jinja2>=3.0"),
    ),
    "hunt": Preset(
        "processor",
        "hunts new hash IOCs on every Velociraptor client through pyvelociraptor; IOC values go in as VQL variables",
        hooks="on_postload_ioc_create",
        functions=("handle_iocs",),
        files=("PACKAGE/client.py", *helper_files("ioc_types", "report")),
        settings=[
            setting("api_config", "API client config", "The content of the api.config.yaml that `velociraptor config"
                    " api_client` writes (YAML or JSON). Fill it in before enabling the module.", "textfield_json", None,
                    mandatory=True, section="Velociraptor"),
            setting("timeout", "Timeout (s)", "Seconds each query to the server may take.", "int", 60,
                    section="Velociraptor"),
            setting("hunt_hours", "Hunt duration (h)", "Hours each hunt stays open for clients.", "int", 5,
                    section="Velociraptor"),
            setting("wait_seconds", "Wait for first hits (s)", "Seconds to poll for first results, with growing"
                    " waits; 0 starts the hunt without waiting.", "int", 60, section="Velociraptor"),
            *REPORT_SETTINGS,
        ],  # fmt: skip
        dependencies=("pyvelociraptor>=0.1.14", "jinja2>=3.0"),
        extra_installs=("pyvelociraptor>=0.1.14",),
    ),
    "external-sync": Preset(
        "processor",
        "mirrors cases, IOCs and assets into OpenCTI (GraphQL), idempotently; updates and deletions follow",
        hooks="case, ioc, asset, on_postload_case_delete, on_postload_ioc_delete, on_postload_asset_delete",
        functions=("handle_cases", "handle_iocs", "handle_assets", "handle_case_ids", "handle_ioc_ids",
                   "handle_asset_ids"),
        files=("PACKAGE/client.py", *helper_files("ioc_types", "http", "report")),
        settings=[
            setting("opencti_url", "OpenCTI URL", "The OpenCTI platform's address.", "string",
                    "https://opencti.example.org", mandatory=True, section="Connection"),
            setting("api_token", "API token", "An OpenCTI user's API token. Fill it in before enabling the module.",
                    "sensitive_string", None, mandatory=True, section="Connection"),
            setting("delete_remote", "Delete observables too", "Delete in OpenCTI the observables of IOCs and assets"
                    " deleted in IRIS; other sources may share them. Cases are always deleted.", "bool", False,
                    mandatory=True, section="Sync"),
            *HTTP_SETTINGS,
        ],  # fmt: skip
        dependencies=("requests>=2.25,<3", "jinja2>=3.0"),
    ),
    "alert-triage": Preset(
        "processor",
        "classifies new alerts: severity (by name), tags and a note line; the rules are yours",
        hooks="on_postload_alert_create, on_manual_trigger_alert",
        functions=("handle_alerts",),
        files=helper_files("report"),
        settings=[
            setting("watched_words", "Watched words", "Comma-separated words that make an alert urgent.", "string",
                    "mimikatz, ransomware, cobalt strike", section="Triage"),
        ],  # fmt: skip
        dependencies=("jinja2>=3.0",),
    ),
    "evidence-ingest": Preset(
        "pipeline",
        "adds indicators from uploaded CSV or JSON-lines files to the case as IOCs, and registers each file as an"
        " evidence; bad records reported by line",
        functions=("process_file",),
        files=("PACKAGE/iris_case.py",),
    ),
}


def problems(answers):
    name = answers["preset"]
    if name not in PRESETS:
        return [f"preset: {name!r} is not one of {', '.join(PRESETS)}. Pick one of those."]
    preset = PRESETS[name]
    if preset.module_type not in ("any", answers["module_type"]):
        return [
            f"preset: {name!r} bakes a {preset.module_type} module, not a {answers['module_type']}."
            f" Answer module_type={preset.module_type}, or pick another preset."
        ]
    return []


def hook_problems(answers, functions):
    """Hooks a preset's handler has no function for."""
    preset = PRESETS[answers["preset"]]
    missing = [name for name in functions if preset.functions and name not in preset.functions]
    if not missing:
        return []
    return [
        f"_hooks: the {answers['preset']} preset's handler has {', '.join(preset.functions)}, not"
        f" {', '.join(missing)}. Keep to its hooks ({preset.hooks}), or use the blank preset."
    ]
