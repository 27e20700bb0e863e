"""Triage alerts as they arrive: classify each one, then set its severity, tags, note and a triage tab.

``handle_alerts`` is called for the alert hooks in the module class's hook table with a list
of IRIS ``Alert`` objects and a Context (``settings``, ``server_settings``, ``log``,
``hook``). What it changes on the alerts is saved by IRIS. Your rules go in ``classify``.
"""

from dataclasses import dataclass, field

from . import enrichment

# Severity ids as a fresh IRIS 2.4 creates them (Manage > Custom objects > Severities).
SEVERITY_IDS = {"unspecified": 1, "informational": 2, "low": 3, "medium": 4, "high": 5, "critical": 6}
TAG_PREFIX = "{{ cookiecutter.keyword }}"


@dataclass
class Verdict:
    severity: str = ""  # a key of SEVERITY_IDS; empty leaves the alert's severity as it is
    tags: list = field(default_factory=list)
    reasons: list = field(default_factory=list)  # shown in the note and the triage tab


def classify(alert, settings):
    """Your triage rules: what the alert is and how urgent."""
    # TODO: replace this example rule (watched words in the title or description) with yours.
    text = f"{alert.alert_title} {alert.alert_description or ''}".lower()
    watched = [word.strip().lower() for word in settings.watched_words.split(",") if word.strip()]
    hits = [word for word in watched if word in text]
    if hits:
        return Verdict("high", [f"{TAG_PREFIX}:watched"], [f"mentions {word!r}" for word in hits])
    return Verdict("", [f"{TAG_PREFIX}:routine"], ["no rule matched"])


def handle_alerts(alerts, context):
    """Classify each alert and record the verdict on it."""
    for alert in alerts:
        verdict = classify(alert, context.settings)
        if verdict.severity:
            alert.alert_severity_id = SEVERITY_IDS[verdict.severity]
        enrichment.add_tags(alert, "alert_tags", verdict.tags)
        enrichment.add_line(alert, "alert_note", f"Triage: {'; '.join(verdict.reasons)}")
        fields = {"Severity": verdict.severity or "unchanged", "Reasons": "; ".join(verdict.reasons)}
        html = enrichment.render_report(context.settings.report_template, title=alert.alert_title, fields=fields)
        enrichment.set_report_tab(alert, context.settings.report_tab, html)
        context.log.info(f"Alert {alert.alert_id}: {verdict.severity or 'severity unchanged'}, {verdict.tags}")
    return alerts
