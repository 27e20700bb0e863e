"""Read indicators from uploaded files (CSV, or JSON lines) into the case. Your choices go here.

``process_file`` is called by the pipeline for each uploaded file with its path and a
Context (``settings``, ``server_settings``, ``log``, ``args``: the pipeline arguments the
user typed; ``case_id`` and ``user_id``). The file is read line by line (indicator_file.py):
each good record becomes an IOC of the case, once; each bad line is counted and the first few
are reported by number, and the other lines go on. The file is registered as one of the
case's evidences. Raise when the whole file cannot be read: nothing of it was added, and the
pipeline reports it failed.
"""

from pathlib import Path

from . import iris_case
from .context import Context
from .indicator_file import CSV_SUFFIXES, JSON_LINES_SUFFIXES, IndicatorFile

ACCEPTED_SUFFIXES = CSV_SUFFIXES + JSON_LINES_SUFFIXES  # other uploads are refused at once
MAX_REPORTED = 10  # bad lines listed in the summary; the rest are counted
PROBLEM_LIMIT = 160  # characters of each bad line's reason: it may quote the line


def process_file(path: Path, context: Context) -> str:
    """Add the file's good records to the case, register the file as evidence, and say how it went."""
    max_length = context.settings.max_value_length
    if not max_length or max_length < 1:
        raise ValueError("the module's Max value length setting must be 1 or more: set it (4096 by default)")
    evidence = IndicatorFile(path, context.settings.file_encoding, line_limit(max_length))
    case_iocs = iris_case.CaseIocs(context.case_id, context.user_id)
    added, known, bad = 0, 0, BadLines()
    try:
        for line_number, record, problem in evidence.records():
            problem = problem or check(record, max_length)
            if not problem:
                try:
                    if store(record, case_iocs):
                        added += 1
                    else:
                        known += 1
                except (LookupError, ValueError) as error:  # what IRIS would refuse: see iris_case.CaseIocs
                    problem = str(error)
            if problem:
                bad.add(line_number, problem)
    except Exception as error:
        if not added:
            raise
        # IRIS saved each IOC at once: the file failed, but not as if nothing of it were in the case.
        raise RuntimeError(f"stopped at line {line_number}, after {added} IOC(s) added: {error}") from error
    iris_case.register_evidence(context.case_id, context.user_id, path, "Indicator file read by the pipeline")
    return f"{added} IOC(s) added, {known} already in the case, {bad}; read line by line as {evidence.encoding}"


def line_limit(max_value_length):
    """The longest line read, in bytes: room for a value and a description of ``max_value_length`` characters
    (up to 4 bytes each in UTF-8) and the short fields (type, tags: 512 at most in IRIS, TLP)."""
    return 8 * max_value_length + 4096


def check(record, max_length):
    """Why a record cannot be used, or an empty string."""
    missing = [name for name in ("type", "value") if not record.get(name, "").strip()]
    if missing:
        return f"no {' or '.join(missing)}"
    too_long = [name for name in ("value", "description") if len(record.get(name, "").strip()) > max_length]
    if too_long:
        return f"{too_long[0]} longer than {max_length} characters (the Max value length setting)"
    return ""


def store(record, case_iocs):
    """Add one good record to the case as an IOC; False when the case already has it."""
    # TODO: send the indicator to further destinations too (your SIEM, a watch list).
    return case_iocs.add(
        type_name=record["type"].strip(),
        value=record["value"].strip(),
        description=record.get("description", "").strip(),
        tags=record.get("tags", "").strip(),
        tlp=record.get("tlp", "").strip().lower() or iris_case.DEFAULT_TLP,
    )


class BadLines:
    """The bad lines of a file: all counted, the first few kept, so that memory and the summary stay small."""

    def __init__(self):
        self.count, self.first = 0, []

    def add(self, line_number, problem):
        self.count += 1
        if len(self.first) < MAX_REPORTED:
            shown = problem if len(problem) <= PROBLEM_LIMIT else problem[:PROBLEM_LIMIT] + "..."
            self.first.append(f"line {line_number}: {shown}")

    def __str__(self):
        said = f"{self.count} bad line(s) left out"
        if self.count:
            more = f"; and {self.count - MAX_REPORTED} more" if self.count > MAX_REPORTED else ""
            said += f" ({'; '.join(self.first)}{more})"
        return said
