"""Read indicators from uploaded files (CSV, or JSON lines) into the case. Your choices go here.

``process_file`` is called by the pipeline for each uploaded file with its path and a
Context (``settings``, ``server_settings``, ``log``, ``args``: the pipeline arguments the
user typed; ``case_id`` and ``user_id``). Each good record becomes an IOC of the case, once,
and the file is registered as one of the case's evidences. Each bad record is counted and
reported by line, not fatal. Raise when the whole file cannot be read: it is reported failed.
"""

import csv
import json
from pathlib import Path

from . import iris_case
from .context import Context

ACCEPTED_SUFFIXES = (".csv", ".jsonl", ".ndjson")  # other uploads are refused at once
MAX_REPORTED = 10  # bad records listed in the summary; the rest are counted
FIELDS = ("type", "value")  # what a record must have; "description", "tags" and "tlp" are optional


def process_file(path: Path, context: Context) -> str:
    """Add the file's good records to the case, register the file as evidence, and say how it went."""
    case_iocs = iris_case.CaseIocs(context.case_id, context.user_id)
    added, known, bad = 0, 0, []
    for line_number, record in records(path):
        problem = check(record)
        if not problem:
            try:
                if store(record, case_iocs):
                    added += 1
                else:
                    known += 1
            except LookupError as error:  # a type or TLP IRIS does not have
                problem = str(error)
        if problem:
            bad.append(f"line {line_number}: {problem}")
    iris_case.register_evidence(context.case_id, context.user_id, path, "Indicator file read by the pipeline")
    summary = f"{added} IOC(s) added, {known} already in the case, {len(bad)} rejected"
    if bad:
        shown = "; ".join(bad[:MAX_REPORTED]) + ("; ..." if len(bad) > MAX_REPORTED else "")
        summary += f" ({shown})"
    return summary


def records(path):
    """``(line number, record dict or None)`` for each record, read as a stream: files can outgrow memory."""
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8", errors="replace", newline="") as evidence:
        if suffix == ".csv":
            reader = csv.DictReader(evidence)
            missing = [name for name in FIELDS if name not in (reader.fieldnames or ())]
            if missing:
                found = ", ".join(reader.fieldnames or ()) or "none"
                raise ValueError(f"no {', '.join(missing)} column (columns found: {found})")
            for record in reader:
                yield reader.line_num, record
        elif suffix in (".jsonl", ".ndjson"):
            for line_number, line in enumerate(evidence, start=1):
                if line.strip():
                    yield line_number, parse_json(line)
        else:
            raise ValueError(f"not a {', '.join(ACCEPTED_SUFFIXES)} file")


def parse_json(line):
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def check(record):
    """Why a record cannot be used, or an empty string."""
    if record is None:
        return "not a JSON object"
    missing = [name for name in FIELDS if not str(record.get(name) or "").strip()]
    return f"no {', '.join(missing)}" if missing else ""


def store(record, case_iocs):
    """Add one good record to the case as an IOC; False when the case already has it."""
    # TODO: send the indicator to further destinations too (your SIEM, a watch list).
    return case_iocs.add(
        type_name=str(record["type"]).strip(),
        value=str(record["value"]).strip(),
        description=str(record.get("description") or ""),
        tags=str(record.get("tags") or ""),
        tlp=str(record.get("tlp") or iris_case.DEFAULT_TLP),
    )
