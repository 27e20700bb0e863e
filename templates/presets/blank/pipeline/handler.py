{%- from "presets/blank/helpers_note.jinja" import helper_lines with context -%}

"""What the module does with each uploaded evidence file. Your logic goes here.

A plain function, importable without IRIS. It gets the file's path and a Context
(``settings``, ``server_settings``, ``log``, and ``args``: the pipeline arguments the user
typed) and returns a one-line summary for the task log. Raise when the file cannot be
processed: it is reported as failed, moved into rejected/, and the other files go on.{{ helper_lines() }}
"""

from pathlib import Path

from .context import Context

# The file kinds process_file reads, e.g. (".evtx",): other uploads are refused at once. Empty takes any file.
ACCEPTED_SUFFIXES = ()


def process_file(path: Path, context: Context) -> str:
    """Process one evidence file (a ``pathlib.Path`` inside the case's upload folder)."""
    records = 0
    with path.open("rb") as evidence:
        for _record in evidence:  # read as a stream: evidence files can outgrow memory
            records += 1
            # TODO: parse the record and send it where it belongs (a SIEM index, the case, ...).
    return f"{records} record(s) read"
