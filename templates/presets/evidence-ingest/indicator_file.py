"""An uploaded indicator file read line by line, in memory bounded by one line: encodings, CSV, JSON lines.

Each line is read on its own, up to a limit in bytes. A line that cannot be read (too long, a NUL
character, broken quoting, not a JSON object) is a bad line with its number, and the lines after it
are read as usual; so a CSV value that runs over two lines is two bad lines. The whole file is refused,
before any line of it is taken, when it is not in its encoding or a CSV file has no header naming the
type and value columns. Imports nothing from IRIS.
"""

import codecs
import csv
import json

CSV_SUFFIXES = (".csv",)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
FIELDS = ("type", "value", "description", "tags", "tlp")  # what a record may hold; other columns are ignored
REQUIRED = ("type", "value")
DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma
CHUNK = 1 << 16  # bytes read at a time where lines do not matter
SHOWN_COLUMNS = 10  # of a header without the needed columns, named in the message
NUL = "\x00"
ASCII_PROBE = b'\n\r,;\t"type value'  # what lines are split and parsed at: the same bytes in the file's encoding
JSON_KINDS = {bool: "true or false", int: "a number", float: "a number", list: "an array", dict: "an object"}


class FileRefused(ValueError):
    """The whole file cannot be read: nothing of it was taken."""


class IndicatorFile:
    """One uploaded file: ``records()`` yields what each line holds, once ``encoding`` is known to read it."""

    def __init__(self, path, encoding, line_limit):
        self.path, self.line_limit = path, line_limit
        self.byte_order_mark = b""  # skipped before the first line
        self.encoding = self._encoding(encoding)

    def records(self):
        """``(line number, record, problem)`` for each line that is not blank: a dict of text fields and "", or
        None and why the line is bad. Raises FileRefused before the first record when the file cannot be read."""
        self._check_encoding()
        suffix = self.path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            yield from self._csv_records()
        elif suffix in JSON_LINES_SUFFIXES:
            yield from self._json_records()
        else:
            raise FileRefused(f"not a {', '.join(CSV_SUFFIXES + JSON_LINES_SUFFIXES)} file")

    def _encoding(self, declared):
        """UTF-8 when the file starts with UTF-8's byte-order mark (Excel's "CSV UTF-8"), else ``declared``."""
        with self.path.open("rb") as stream:
            start = stream.read(4)
        if start.startswith(codecs.BOM_UTF8):
            self.byte_order_mark = codecs.BOM_UTF8
            return "utf-8"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRefused("the file is UTF-16 (Excel's Unicode text): save it as CSV UTF-8 and upload it again")
        try:
            name = codecs.lookup(declared).name
        except (LookupError, TypeError):
            raise FileRefused(
                f"the module's File encoding setting, {declared!r}, is not an encoding: set it to utf-8 or another"
                " one Python knows, such as cp1252"
            ) from None
        # Lines are split at the byte of "\n" before they are decoded, which needs ASCII to be written as ASCII.
        if ASCII_PROBE.decode("ascii").encode(name, errors="replace") != ASCII_PROBE:
            raise FileRefused(
                f"the module's File encoding setting, {declared!r}, does not write ASCII as ASCII: set it to utf-8,"
                " cp1252, latin-1 or another such encoding"
            )
        return name

    def _lines(self):
        """``(line number, text or None, problem)`` per line that is not blank, its end of line removed. A line of
        more than ``line_limit`` bytes is skipped a piece at a time, never held whole."""
        too_long = f"longer than {self.line_limit} bytes (a higher Max value length setting reads it)"
        with self.path.open("rb") as stream:
            number = 0
            while True:
                line = stream.readline(self.line_limit + 1)
                if not line:
                    return
                number += 1
                if len(line) > self.line_limit and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):
                        line = stream.readline(self.line_limit + 1)
                    yield number, None, too_long
                    continue
                if number == 1:
                    line = line[len(self.byte_order_mark) :]
                text = line.rstrip(b"\r\n").decode(self.encoding)
                if NUL in text:  # which IRIS's database cannot store, and Python 3.9's csv refuses whole
                    yield number, None, "a NUL character"
                elif text.strip():
                    yield number, text, ""

    def _check_encoding(self):
        """Refuse the file, naming its first line that is not in its encoding: never read it altered."""
        decoder = codecs.getincrementaldecoder(self.encoding)()  # strict
        offset = len(self.byte_order_mark)  # of the next chunk in the file
        with self.path.open("rb") as stream:
            stream.seek(offset)
            chunk = b""
            try:
                for chunk in iter(lambda: stream.read(CHUNK), b""):
                    decoder.decode(chunk)
                    offset += len(chunk)
                chunk = b""
                decoder.decode(chunk, final=True)
            except UnicodeDecodeError as error:
                # error.object is what the decoder held back from the chunk before, then this chunk.
                bad = offset - (len(error.object) - len(chunk)) + error.start
            else:
                return
        number, position, byte = self._place(bad)
        raise FileRefused(
            f"line {number} is not {self.encoding} (byte 0x{byte:02x} at position {position}): save the file as"
            " CSV UTF-8, or set the module's File encoding setting to the file's encoding (cp1252 for Excel's CSV"
            " in Western Europe)"
        )

    def _place(self, offset):
        """The line number and position in it (from 1) of the byte at ``offset`` in the file, and the byte."""
        number, line_start, position = 1, len(self.byte_order_mark), 0
        with self.path.open("rb") as stream:
            while position < offset:
                chunk = stream.read(min(CHUNK, offset - position))
                if b"\n" in chunk:
                    number += chunk.count(b"\n")
                    line_start = position + chunk.rfind(b"\n") + 1
                position += len(chunk)
            return number, offset - line_start + 1, stream.read(1)[0]

    def _csv_records(self):
        lines = self._lines()
        number, header, problem = next(lines, (0, "", ""))
        if problem:
            raise FileRefused(f"line {number}, the header: {problem}")
        columns, delimiter = header_columns(header)
        for number, text, problem in lines:
            if problem:
                yield number, None, problem
                continue
            try:
                fields = csv_fields(text, delimiter)
            except csv.Error as error:  # broken quoting, or a quoted value that runs on the next line
                yield number, None, f"not a CSV line ({error})"
                continue
            if any(field.strip() for field in fields[len(columns) :]):
                quote = f"quote a value with a {delimiter!r} in it"
                yield number, None, f"{len(fields)} fields, the header has {len(columns)} ({quote})"
            elif any(field.strip() for field in fields):  # a row of empty cells, as spreadsheets end, is blank
                named = {columns[index]: field for index, field in enumerate(fields[: len(columns)])}
                yield number, {name: field for name, field in named.items() if name in FIELDS}, ""

    def _json_records(self):
        for number, text, problem in self._lines():
            if problem:
                yield number, None, problem
                continue
            try:
                record = json.loads(text)
            except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's stack
                yield number, None, "not a JSON object"
                continue
            if not isinstance(record, dict):
                yield number, None, "not a JSON object"
                continue
            not_text = [name for name in FIELDS if record.get(name) is not None and not isinstance(record[name], str)]
            if not_text:
                yield number, None, f"{not_text[0]} is {JSON_KINDS[type(record[not_text[0]])]}, not text"
            else:
                yield number, {name: record[name] for name in FIELDS if record.get(name) is not None}, ""


def csv_fields(text, delimiter):
    """The fields of one CSV line; csv.Error when its quoting is broken."""
    if '"' not in text and "\r" not in text:  # what the csv module would answer, without a reader for each line
        return text.split(delimiter)
    return next(csv.reader([text], delimiter=delimiter, strict=True))


def header_columns(header):
    """The header's column names, trimmed and in lowercase, and its delimiter: the first that gives a type and a
    value column. Raises FileRefused, naming the columns found, when none does."""
    for delimiter in DELIMITERS:
        try:
            columns = [name.strip().lower() for name in next(csv.reader([header], delimiter=delimiter))]
        except csv.Error:
            continue
        if all(name in columns for name in REQUIRED):
            return columns, delimiter
    found = [name.strip()[:40] for name in header.split(",")]
    shown = ", ".join(found[:SHOWN_COLUMNS])
    if len(found) > SHOWN_COLUMNS:
        shown += f" and {len(found) - SHOWN_COLUMNS} more"
    raise FileRefused(
        f"the first line must name the columns {' and '.join(REQUIRED)} (found: {shown or 'nothing'}), separated by"
        f" commas or semicolons; {', '.join(FIELDS[len(REQUIRED) :])} are optional"
    )
