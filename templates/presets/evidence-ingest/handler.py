"""Read indicators from uploaded files (CSV, or JSON lines), one record at a time. Your choices go here.

``process_file`` is called by the pipeline for each uploaded file with its path and a
Context (``settings``, ``server_settings``, ``log``, ``args``: the pipeline arguments the
user typed). It returns a one-line summary; each bad record is counted and reported by line,
not fatal. Raise when the whole file cannot be read: it is reported failed and kept.
"""

import csv
import json

MAX_REPORTED = 10  # bad records listed in the summary; the rest are counted
FIELDS = ("type", "value")  # what a record must have; "description" and "tags" are optional


def process_file(path, context):
    """Read every record of one file, keep the good ones, and say how it went."""
    good, bad = 0, []
    for line_number, record in records(path):
        problem = check(record)
        if problem:
            bad.append(f"line {line_number}: {problem}")
            continue
        store(record, context)
        good += 1
    summary = f"{path.name}: {good} indicator(s) read, {len(bad)} rejected"
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
            for record in reader:
                yield reader.line_num, record
        elif suffix in (".jsonl", ".ndjson", ".json"):
            for line_number, line in enumerate(evidence, start=1):
                if line.strip():
                    yield line_number, parse_json(line)
        else:
            raise ValueError(f"{path.name}: not a .csv, .jsonl or .ndjson file")


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


def store(record, context):
    """Put one good record where it belongs."""
    # TODO: send the indicator where it belongs: your SIEM, a watch list, the case's IOCs.
    context.log.debug(f"{record['type']} {record['value']!r}")
