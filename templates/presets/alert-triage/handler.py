"""Triage alerts as they arrive: classify each one, then set its severity, tags and a note line.

``handle_alerts`` is called for the alert hooks in the module class's hook table with a list
of IRIS ``Alert`` objects and a Context (``settings``, ``server_settings``, ``log``,
``hook``). IRIS saves what it changes on the alerts, even when the call fails, so each alert
is changed only once its verdict is complete. Your rules go in ``classify``.

{{ iris().name }}'s alerts have no custom attributes: the verdict goes in the alert's note, not in a tab.
"""

from dataclasses import dataclass, field

from . import iris_objects
from .context import Context

TAG_PREFIX = "{{ cookiecutter.keyword }}"  # the module's tags are TAG_PREFIX:<word>; a new verdict replaces them
NOTE_PREFIX = "Triage:"  # the note line the module writes starts with it; a new verdict replaces it


@dataclass
class Verdict:
    severity: str = ""  # an IRIS severity name, e.g. "High" (IRIS's API lists them: /manage/severities/list); empty keeps the alert's
    tags: list = field(default_factory=list)
    reasons: list = field(default_factory=list)  # shown in the alert's note


def classify(alert, settings):
    """Your triage rules: what the alert is and how urgent."""
    # TODO: replace this example rule (watched words in the title or description) with yours.
    text = f"{alert.alert_title} {alert.alert_description or ''}".lower()
    watched = [word.strip().lower() for word in settings.watched_words.split(",") if word.strip()]
    hits = [word for word in watched if word in text]
    if hits:
        return Verdict("High", [f"{TAG_PREFIX}:watched"], [f"mentions {word!r}" for word in hits])
    return Verdict("", [f"{TAG_PREFIX}:routine"], ["no rule matched"])


def handle_alerts(alerts: list, context: Context) -> list:
    """Classify each alert and record the verdict on it; an alert that fails does not stop the others."""
    for alert in alerts:
        with context.isolate(f"alert {alert.alert_id}"):
            verdict = classify(alert, context.settings)
            severity_id = severity_row_id(verdict.severity) if verdict.severity else None
            if severity_id is not None:
                alert.alert_severity_id = severity_id
            # A new verdict replaces the last one: the module's tags and its note line, the alert's others kept.
            iris_objects.replace_tags(alert, "alert_tags", TAG_PREFIX, verdict.tags)
            iris_objects.replace_line(alert, "alert_note", NOTE_PREFIX, f"{NOTE_PREFIX} {'; '.join(verdict.reasons)}")
            context.log.info(f"Alert {alert.alert_id}: {verdict.severity or 'severity unchanged'}, {verdict.tags}")
    return alerts


def severity_row_id(name):
    """The id of IRIS's severity called ``name``: ids differ from one IRIS database to another."""
    # IRIS's own lookup; imported here because it exists only inside IRIS.
    from app.datamgmt.manage.manage_common import search_severity_by_name

    rows = search_severity_by_name(name, exact_match=True)
    if not rows:
        raise LookupError(f"IRIS has no alert severity named {name!r}; /manage/severities/list names those it has")
    return rows[0].severity_id
