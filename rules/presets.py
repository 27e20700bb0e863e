"""The ``preset`` answer: the modules people build, each a starting point that already works.

A preset names the module type it bakes, the hooks it answers by default, the handler
functions it implements, the files it adds to the package and its tests, its settings and
what it needs installed. Its handler, client and tests are in ``templates/presets/<name>/``.
"""

from dataclasses import dataclass, field, replace

from .setting import Setting

BLANK = "blank"


@dataclass(frozen=True)
class Preset:
    module_type: str  # "processor", "pipeline", or "any"
    summary: str
    hooks: str = "on_postload_ioc_create, on_manual_trigger_ioc"  # the hooks answer's default
    functions: tuple = ()  # handler functions it implements; empty: whatever the hooks need
    files: tuple = ()  # package and test files it keeps, beyond the type's own
    settings: list = field(default_factory=list)  # IRIS configuration entries, before the user's
    # What the code imports beyond iris-interface: pyproject.toml's dependencies, for the module's own
    # environment. IRIS gets the wheel with --no-deps, so what it lacks is listed again below.
    dependencies: tuple = ()
    extra_installs: tuple = ()  # what IRIS lacks: `make install` adds it under IRIS's pins
    no_deps_installs: tuple = ()  # pinned ==, added without its declared dependencies (say why)


def setting(name, human, description, setting_type, default, mandatory=False, section=None):
    return Setting(param_name=name, param_human_name=human, param_description=description, default=default,
                   mandatory=mandatory, type=setting_type, section=section)  # fmt: skip


# One definition each for the settings the helpers read.
HTTP_SETTINGS = [
    setting("timeout", "Timeout (s)", "Seconds to wait to connect, and again for each answer.", "int", 30,
            section="Connection"),
    setting("retries", "Retries", "Retries after a failed connection, a 429 or a 5xx answer; the waits are what"
            " Retry-After asks, else growing ones.", "int", 3, section="Connection"),
    setting("verify_tls", "Verify TLS certificates", "Switch off only for a test server.", "bool", True,
            mandatory=True, section="Connection"),
    setting("ca_bundle", "CA bundle path", "A PEM file of the CAs to trust, for a private CA; empty trusts the usual ones.",
            "string", "", section="Connection"),
    setting("requests_per_minute", "Requests a minute", "The most requests a minute the service takes; requests are"
            " spaced to stay under it. 0: no limit.", "int", 0, section="Connection"),
    setting("time_budget", "Time budget (s)", "Seconds one hook call may spend waiting for the rate limit and retries;"
            " an object whose request would wait longer fails, saying so. IRIS sets its worker no limit.", "int", 300,
            section="Connection"),
]  # fmt: skip
REPORT_SETTINGS = [
    setting("report_tab", "Report tab", "The tab the report is written to on each object.", "string", "Report",
            mandatory=True, section="Report"),
    setting("report_template", "Report template", "A Jinja template of the report's HTML; values are escaped."
            " Empty uses the module's report.html.", "textfield_html", "", section="Report"),
]  # fmt: skip


def with_defaults(settings, **defaults):
    """``settings`` with some defaults of a preset's own: one definition, and the default that fits."""
    unknown = set(defaults) - {setting.param_name for setting in settings}
    if unknown:
        raise KeyError(f"no setting {', '.join(sorted(unknown))} to change the default of")
    return [replace(setting, default=defaults.get(setting.param_name, setting.default)) for setting in settings]


HELPERS = {
    "ioc_types": ("PACKAGE/ioc_types.py", "tests/test_ioc_types.py"),
    "http": ("PACKAGE/http_session.py", "tests/test_http_session.py", "tests/fake_service.py", "tests/fake_clock.py"),
    "report": ("PACKAGE/enrichment.py", "PACKAGE/report.html", "tests/test_enrichment.py"),
}

# pyvelociraptor declares grpcio-tools, which only generates code, and every grpcio-tools from 1.80
# needs setuptools>=77: beside IRIS 2.4.20 (setuptools~=70.3.0, whose pkg_resources IRIS's gunicorn
# imports) pip must refuse it. So IRIS gets the client without its declared dependencies, pinned
# because that makes us answer for them, plus what its modules import (read from 0.1.14's wheel):
# grpc and google.protobuf (its generated code refuses grpcio<1.80 and protobuf<6.31.1; grpcio 1.80
# is the last for Python 3.9; protobuf stays on the generated code's major, 6), yaml, and
# cryptography, which IRIS pins >=39.0.1 (its own floor, not the client's 46.0.7, so IRIS's stays).
VELOCIRAPTOR_CLIENT = "pyvelociraptor==0.1.14"
VELOCIRAPTOR_IMPORTS = ("grpcio>=1.80", "protobuf>=6.31.1,<7", "pyyaml>=6", "cryptography>=39.0.1")


def helper_files(*names):
    return tuple(path for name in names for path in HELPERS[name])


PRESETS = {
    BLANK: Preset("any", "an empty module: a handler function with a TODO per hook, or a file handler"),
    "ioc-enrichment": Preset(
        "processor",
        "looks IOCs up in VirusTotal (API v3) by exact IRIS type; an escaped report tab and a verdict tag that replaces"
        " the last",
        hooks="on_postload_ioc_create, on_postload_ioc_update, on_manual_trigger_ioc",
        functions=("handle_iocs",),
        files=("PACKAGE/client.py", "tests/fake_virustotal.py", *helper_files("ioc_types", "http", "report")),
        settings=[
            setting("api_url", "API URL", "VirusTotal's API v3 root. Another service needs client.py changed too.",
                    "string", "https://www.virustotal.com/api/v3", mandatory=True, section="Connection"),
            setting("api_key", "API key", "A VirusTotal API key (your account's API key page). Fill it in before"
                    " enabling the module.", "sensitive_string", None, mandatory=True, section="Connection"),
            # VT's public API takes 4 requests a minute (and 500 a day).
            *with_defaults(HTTP_SETTINGS, requests_per_minute=4),
            setting("malicious_threshold", "Malicious from (engines)", "Engines that must find an IOC malicious for the"
                    " malicious verdict.", "int", 3, section="Verdict"),
            setting("suspicious_threshold", "Suspicious from (engines)", "Engines that must find it malicious or"
                    " suspicious for the suspicious verdict, below the malicious one.", "int", 1, section="Verdict"),
            *REPORT_SETTINGS,
        ],  # fmt: skip
        dependencies=("requests>=2.25,<3", "jinja2>=3.0"),
    ),
    "hunt": Preset(
        "processor",
        "hunts new hash IOCs on every Velociraptor client through pyvelociraptor; IOC values go in as VQL variables",
        hooks="on_postload_ioc_create",
        functions=("handle_iocs",),
        files=("PACKAGE/client.py", "tests/fake_velociraptor.py", "tests/test_fake_velociraptor.py",
               *helper_files("ioc_types", "report")),
        settings=[
            setting("api_config", "API client config", "The api.config.yaml that `velociraptor config api_client`"
                    " writes, as one line: the output of `base64 -w0 api.config.yaml` (its YAML or JSON works too"
                    " where newlines are kept). It holds the client's private key: IRIS masks it, the module never"
                    " logs it. Fill it in before enabling the module.", "sensitive_string", None, mandatory=True,
                    section="Velociraptor"),
            setting("server_name", "Server certificate name", "The name the server's certificate is issued to: the"
                    " server config's Client.pinned_server_name. Empty: the API config's pinned_server_name, else"
                    " VelociraptorServer.", "string", "", section="Velociraptor"),
            setting("org_id", "Org id", "The Velociraptor org to hunt in; empty for the root org.", "string", "",
                    section="Velociraptor"),
            setting("timeout", "Timeout (s)", "Seconds each query to the server may take.", "int", 60,
                    section="Velociraptor"),
            setting("hunt_hours", "Hunt duration (h)", "Hours each hunt stays open for clients; 1 or more.", "int", 5,
                    section="Velociraptor"),
            setting("wait_seconds", "Wait for first hits (s)", "Seconds the call waits for first hits after the"
                    " hunt starts: it polls at 5, 15, 35, 75... s and a last time at exactly this second (a poll may"
                    " take up to Timeout), or stops sooner once every hash has a host. 0 starts the hunt without"
                    " waiting.", "int", 60, section="Velociraptor"),
            *REPORT_SETTINGS,
        ],  # fmt: skip
        dependencies=(VELOCIRAPTOR_CLIENT, *VELOCIRAPTOR_IMPORTS, "jinja2>=3.0"),
        extra_installs=VELOCIRAPTOR_IMPORTS,
        no_deps_installs=(VELOCIRAPTOR_CLIENT,),
    ),
    "external-sync": Preset(
        "processor",
        "mirrors cases, IOCs and assets into OpenCTI (GraphQL), idempotently; updates and deletions follow",
        hooks="case, ioc, asset, on_postload_case_delete, on_postload_ioc_delete, on_postload_asset_delete",
        functions=("handle_cases", "handle_iocs", "handle_assets", "handle_case_ids", "handle_ioc_ids",
                   "handle_asset_ids"),
        files=("PACKAGE/client.py", "tests/fake_opencti.py", *helper_files("ioc_types", "http", "report")),
        settings=[
            setting("opencti_url", "OpenCTI URL", "The OpenCTI platform's address.", "string",
                    "https://opencti.example.org", mandatory=True, section="Connection"),
            setting("api_token", "API token", "An OpenCTI user's API token. Fill it in before enabling the module.",
                    "sensitive_string", None, mandatory=True, section="Connection"),
            setting("delete_remote", "Follow IOC and asset deletions", "Take IOCs and assets deleted in IRIS out of"
                    " their OpenCTI incident case. Their observables stay: OpenCTI shares them with every case and"
                    " source. Cases are always deleted.", "bool", False, mandatory=True, section="Sync"),
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
