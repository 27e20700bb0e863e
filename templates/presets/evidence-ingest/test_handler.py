"""Ingestion end to end: uploaded files through the pipeline into the case: IOCs, evidences, bad lines by number.

The files are the ones analysts upload: spreadsheet CSVs with a byte-order mark, other encodings, broken and
huge lines, the same name twice. Each test writes its own.
"""

import hashlib
import importlib
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import fake_iris
import pytest

PROJECT = Path(__file__).parent.parent
EXAMPLE = PROJECT / "examples" / "indicators.csv"
# Runs the pipeline on a folder and prints how much its peak memory grew (bytes), then the file's summary.
MEASURE = """
import resource, sys
sys.path[:0] = ["tests", "."]
import fake_iris
iris = fake_iris.install()
module_class = fake_iris.load_like_iris(sys.argv[1])
iris.configure(module_class)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
[result] = fake_iris.run_pipeline(module_class(), sys.argv[2]).get_data()
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown * (1 if sys.platform == "darwin" else 1024), result["message"], sep="\\n")  # macOS counts bytes, Linux KiB
"""
MD5 = "44d88612fea8a8f36de82e1278abb02f"


def iocs_of_the_case(iris):
    return sorted((ioc.ioc_value, fake_iris.ROWS["ioc_types"][ioc.ioc_type_id - 1]) for ioc in iris.case_iocs())


def run(make_module, folder, name, content, **settings):
    """Upload ``content`` (bytes, or text written as UTF-8) as ``name`` and run the pipeline: the file's result."""
    (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    status = fake_iris.run_pipeline(make_module(**settings), folder)
    [result] = status.get_data()
    return result


def test_each_indicator_becomes_an_ioc_of_its_type_and_the_file_an_evidence(iris, make_module, tmp_path):
    content = "type,value,description\nip-dst,203.0.113.7,C2\ndomain,evil.example,\n"

    result = run(make_module, tmp_path, "iocs.csv", content)

    assert result["ok"], result
    # TODO: assert what your store() does with the indicators, if you send them further.
    assert result["message"] == (
        "2 IOC(s) added, 0 already in the case, 0 bad line(s) left out; read line by line as utf-8"
    )
    assert iocs_of_the_case(iris) == [("203.0.113.7", "ip-dst"), ("evil.example", "domain")]
    [evidence] = iris.evidences
    # The evidence names the file as it is kept: a later upload of the same name overwrites nothing.
    assert result["kept"] == f"processed/{evidence['filename']}"
    assert (tmp_path / result["kept"]).read_text() == content
    assert evidence["file_size"] == len(content)
    assert evidence["file_hash"] == hashlib.sha256(content.encode()).hexdigest()


def test_the_evidence_is_registered_for_the_runs_case_and_user_and_each_ioc_keeps_its_own_fields(
    iris, make_module, tmp_path
):
    result = run(make_module, tmp_path, "bare.csv", f"type,value\nmd5,{MD5}\n")  # no description nor tags column
    described = run(make_module, tmp_path, "iocs.csv", "type,value,description,tags\ndomain,evil.example, C2 , mail \n")

    assert result["message"].startswith("1 IOC(s) added") and described["message"].startswith("1 IOC(s) added")
    fields = {ioc.ioc_value: (ioc.ioc_description, ioc.ioc_tags) for ioc in iris.case_iocs()}
    assert fields == {MD5: ("", ""), "evil.example": ("C2", "mail")}
    by_name = {evidence["filename"]: evidence for evidence in iris.evidences}
    evidence = by_name[result["kept"].removeprefix("processed/")]
    assert (evidence["case_id"], evidence["user_id"]) == (1, 1)  # fake_iris.pipeline_data's case and user
    assert evidence["file_description"] == "Indicator file read by the pipeline"


def test_the_example_file_of_the_readme_is_taken_whole(iris, make_module, tmp_path):
    result = run(make_module, tmp_path, "indicators.csv", EXAMPLE.read_bytes())

    assert result["message"].startswith("5 IOC(s) added, 0 already in the case, 0 bad line(s) left out"), result
    tags = {ioc.ioc_value: (ioc.ioc_tags, ioc.ioc_tlp_id) for ioc in iris.case_iocs()}
    assert tags["evil.example"] == ("phishing,initial-access", fake_iris.ROWS["tlps"].index("green") + 1)


def test_an_indicator_the_case_has_is_not_added_twice_and_both_uploads_are_kept(iris, make_module, tmp_path):
    run(make_module, tmp_path, "iocs.csv", "type,value\ndomain,evil.example\n")

    result = run(make_module, tmp_path, "iocs.csv", "type,value\ndomain,evil.example\nmd5," + MD5 + "\n")

    assert result["message"].startswith("1 IOC(s) added, 1 already in the case, 0 bad line(s) left out")
    assert iocs_of_the_case(iris) == [(MD5, "md5"), ("evil.example", "domain")]
    kept = sorted((tmp_path / "processed").iterdir())
    assert len(kept) == 2 and sorted(e["filename"] for e in iris.evidences) == [path.name for path in kept]


def test_each_indicator_the_case_has_is_counted(iris, make_module, tmp_path):
    run(make_module, tmp_path, "iocs.csv", f"type,value\ndomain,evil.example\nmd5,{MD5}\n")

    result = run(make_module, tmp_path, "again.csv", f"type,value\ndomain,evil.example\nmd5,{MD5}\n")

    assert result["message"].startswith("0 IOC(s) added, 2 already in the case, 0 bad line(s) left out")


def test_a_spreadsheet_csv_with_a_byte_order_mark_and_semicolons_is_read(iris, make_module, tmp_path):
    content = "Type;Value;Description\r\ndomain;evil.example;C2\r\n;;\r\n"  # as Excel saves "CSV UTF-8" in France

    result = run(make_module, tmp_path, "excel.csv", content.encode("utf-8-sig"))

    assert result["message"].startswith("1 IOC(s) added, 0 already in the case, 0 bad line(s) left out"), result
    assert iocs_of_the_case(iris) == [("evil.example", "domain")]


def test_a_file_not_in_its_encoding_is_refused_naming_its_first_bad_line(iris, make_module, tmp_path):
    content = "type,value\ndomain,evil.example\ndomain,café.example\n".encode("latin-1")

    result = run(make_module, tmp_path, "latin.csv", content)

    assert not result["ok"]
    assert result["message"].startswith("FileRefused: line 3 is not utf-8 (byte 0xe9 at position 11): save the file")
    assert "File encoding setting" in result["message"]
    assert iris.case_iocs() == [] and iris.evidences == []  # nothing of it, not even the good line 2
    assert (tmp_path / result["kept"]).read_bytes() == content and result["kept"].startswith("rejected/")


def test_a_file_in_the_encoding_the_setting_names_is_read_in_it_and_says_so(iris, make_module, tmp_path):
    content = "type,value\ndomain,café.example\n".encode("cp1252")

    result = run(make_module, tmp_path, "latin.csv", content, file_encoding="cp1252")

    assert result["message"].endswith("read line by line as cp1252"), result
    assert iocs_of_the_case(iris) == [("café.example", "domain")]


def test_a_utf16_file_or_an_encoding_that_cannot_be_split_in_lines_is_refused(iris, make_module, tmp_path):
    utf16 = run(make_module, tmp_path, "unicode.csv", "type,value\ndomain,evil.example\n".encode("utf-16"))
    setting = run(make_module, tmp_path, "iocs.csv", "type,value\n", file_encoding="utf-16-le")
    unknown = run(make_module, tmp_path, "more.csv", "type,value\n", file_encoding="klingon")

    assert "UTF-16" in utf16["message"] and "save it as CSV UTF-8" in utf16["message"]
    assert "File encoding setting, 'utf-16-le', does not write ASCII as ASCII" in setting["message"]
    assert "File encoding setting, 'klingon', is not an encoding" in unknown["message"]


def test_values_are_checked_against_the_format_iris_gives_their_type(iris, make_module, tmp_path):
    lines = ["type,value", "md5,not-a-hash", "sha256,<script>alert(1)</script>", f"md5,{MD5.upper()}",
             "filename|md5,invoice.exe", f"filename|md5,invoice.exe|{MD5}", "ip-dst,no format in IRIS"]  # fmt: skip
    result = run(make_module, tmp_path, "iocs.csv", "\n".join(lines) + "\n")

    assert result["message"] == (
        "3 IOC(s) added, 0 already in the case, 3 bad line(s) left out (line 2: not a md5 value: IRIS expects 32"
        " hexadecimal characters; line 3: not a sha256 value: IRIS expects 64 hexadecimal characters; line 5: not a"
        " filename|md5 value: IRIS expects filename|32 hexadecimal characters); read line by line as utf-8"
    )
    assert [value for value, _ in iocs_of_the_case(iris)] == [MD5.upper(), f"invoice.exe|{MD5}", "no format in IRIS"]


def test_a_format_an_admin_set_on_a_type_is_the_one_checked(iris, make_module, tmp_path):
    iris.ioc_type_formats["ip-dst"] = (r"[0-9.]+", "an IPv4 address")  # Manage > Advanced > Case Objects
    iris.ioc_type_formats["md5"] = ("[a-f0-9]{32}|unknown", "32 hexadecimal characters, or unknown")
    content = "type,value\nip-dst,evil.example\nip-dst,203.0.113.7\nmd5,unknown\n"

    result = run(make_module, tmp_path, "iocs.csv", content)

    assert "(line 2: not a ip-dst value: IRIS expects an IPv4 address)" in result["message"], result
    assert iocs_of_the_case(iris) == [("203.0.113.7", "ip-dst"), ("unknown", "md5")]


def test_text_iris_cannot_store_is_a_bad_line_never_an_ioc(iris, make_module, tmp_path):
    records = [{"type": "domain", "value": "a.example", "tags": "t" * 513},
               {"type": "domain", "value": "b.example", "tags": "t" * 512},
               {"type": "domain", "value": "c.example\u0000"},
               {"type": "domain", "value": "d.example", "description": "x" * 11},
               {"type": "domain", "value": "e.example", "tlp": "AMBER+STRICT"}]  # fmt: skip

    result = run(make_module, tmp_path, "feed.jsonl", "".join(json.dumps(record) + "\n" for record in records),
                 max_value_length=10)  # fmt: skip

    assert result["message"] == (
        "2 IOC(s) added, 0 already in the case, 3 bad line(s) left out (line 1: tags of 513 characters, over IRIS's"
        " 512; line 3: a NUL character in the value, which IRIS's database cannot store; line 4: description longer"
        " than 10 characters (the Max value length setting)); read line by line as utf-8"
    )
    assert iocs_of_the_case(iris) == [("b.example", "domain"), ("e.example", "domain")]


def test_json_values_that_are_not_text_are_bad_lines(iris, make_module, tmp_path):
    lines = [json.dumps({"type": "domain", "value": {"a": 1}}), json.dumps({"type": "domain", "value": 12}),
             json.dumps({"type": ["domain"], "value": "evil.example"}), "{broken", "[1, 2]", "[" * 30_000,
             "", json.dumps({"type": "domain"}), json.dumps({"type": "ip", "value": "203.0.113.7"}),
             json.dumps({"type": "url", "value": "https://evil.example/a", "description": None})]  # fmt: skip

    result = run(make_module, tmp_path, "feed.jsonl", "\n".join(lines) + "\n")

    assert result["message"] == (
        "1 IOC(s) added, 0 already in the case, 8 bad line(s) left out (line 1: value is an object, not text;"
        " line 2: value is a number, not text; line 3: type is an array, not text; line 4: not a JSON object;"
        " line 5: not a JSON object; line 6: not a JSON object;"
        " line 8: no value; line 9: IRIS has no IOC type 'ip'); read line by line as utf-8"
    )
    assert iocs_of_the_case(iris) == [("https://evil.example/a", "url")]


def test_a_line_that_cannot_be_parsed_is_a_bad_line_and_the_rest_goes_on(iris, make_module, tmp_path):
    content = (b'type,value,description\ndomain,a.example,"C2\nsecond line"\ndomain,b\x00.example\n'
               b'domain,c.example,' + b"x" * 20_000_000 + b'\ndomain,"d.example"x\ndomain,e.example,C2, seen twice\n'
               b"domain,f.example\n")  # fmt: skip

    tracemalloc.start()
    try:
        result = run(make_module, tmp_path, "iocs.csv", content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result["ok"], result
    assert result["message"] == (
        "1 IOC(s) added, 0 already in the case, 6 bad line(s) left out (line 2: not a CSV line (unexpected end of"
        " data); line 3: no value; line 4: a NUL character; line 5: longer than 36864 bytes (a higher Max value"
        " length setting reads it); line 6: not a CSV line (',' expected after '\"'); line 7: 4 fields, the header"
        " has 3 (quote a value with a ',' in it)); read line by line as utf-8"
    )
    assert iocs_of_the_case(iris) == [("f.example", "domain")]
    assert peak < 2_000_000  # bytes, for a line of 20 MB: it is never held whole


def test_a_million_bad_lines_are_counted_in_bounded_memory_and_a_short_summary(package, tmp_path):
    if sys.platform == "win32":
        pytest.skip("measured with the resource module, which Windows lacks")
    (tmp_path / "huge.csv").write_text("type,value\n" + "md5,not-a-hash\n" * 1_000_000 + f"md5,{MD5}\n")

    # In a Python of its own, whose peak memory is this run's alone: tracemalloc would slow it tenfold.
    done = subprocess.run([sys.executable, "-c", MEASURE, package.__name__, str(tmp_path)], cwd=PROJECT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    grown, message = done.stdout.split("\n", 1)

    assert message.startswith("1 IOC(s) added, 0 already in the case, 1000000 bad line(s) left out")
    assert "line 11: not a md5 value" in message and "line 12:" not in message
    assert "; and 999990 more)" in message and len(message) < 2_000
    assert int(grown) < 16_000_000  # bytes: keeping each bad line's message took 100 MB


def test_bad_lines_past_the_tenth_are_counted_and_each_reason_is_cut_after_160_characters(package):
    bad = importlib.import_module(f"{package.__name__}.handler").BadLines()
    assert str(bad) == "0 bad line(s) left out"

    bad.add(2, "x" * 160)
    bad.add(3, "y" * 161)
    for number in range(4, 12):
        bad.add(number, "no value")
    ten = str(bad)
    bad.add(12, "no value")
    bad.add(13, "no value")

    reasons = [f"line 2: {'x' * 160}", f"line 3: {'y' * 160}..."] + [f"line {n}: no value" for n in range(4, 12)]
    assert ten == f"10 bad line(s) left out ({'; '.join(reasons)})"  # ten reported: none more
    assert str(bad) == f"12 bad line(s) left out ({'; '.join(reasons)}; and 2 more)"


def test_a_bad_line_quoting_a_long_type_is_shown_cut(iris, make_module, tmp_path):
    result = run(make_module, tmp_path, "iocs.csv", "type,value\n" + f"{'x' * 30_000},evil.example\n" * 20)

    assert result["message"].startswith("0 IOC(s) added, 0 already in the case, 20 bad line(s) left out (line 2: IRIS")
    assert len(result["message"]) < 2_000  # ten reasons of 160 characters at most, then "and 10 more"


def test_a_max_value_length_below_one_is_refused_naming_the_setting(iris, make_module, tmp_path):
    result = run(make_module, tmp_path, "iocs.csv", "type,value\ndomain,evil.example\n", max_value_length=0)

    assert result["message"].startswith("ValueError: the module's Max value length setting must be 1 or more")
    assert iris.case_iocs() == []


@pytest.mark.parametrize("setting", [1, -1])
def test_a_max_value_length_of_one_is_taken_and_a_negative_one_refused(iris, make_module, tmp_path, setting):
    content = "type,value,description\ndomain,evil.example,\n,,a line with neither\n"

    result = run(make_module, tmp_path, "iocs.csv", content, max_value_length=setting)

    if setting < 1:
        assert result["message"].startswith("ValueError: the module's Max value length setting must be 1 or more")
    else:
        assert result["message"].startswith(
            "0 IOC(s) added, 0 already in the case, 2 bad line(s) left out (line 2: value longer than 1 characters"
            " (the Max value length setting); line 3: no type or value)"
        ), result["message"]


def test_a_csv_without_a_needed_column_is_refused_in_one_short_message(iris, make_module, tmp_path):
    wide = ",".join(f"column {number}" for number in range(2_000))

    refused = run(make_module, tmp_path, "ind.csv", "indicator,type\nevil.example,domain\n")
    wide_refused = run(make_module, tmp_path, "wide.csv", wide + "\n")

    assert refused["message"].startswith(
        "FileRefused: the first line must name the columns type and value (found: indicator, type), separated by"
        " commas or semicolons; description, tags, tlp are optional (moved to rejected/ind-"
    )
    assert "column 9 and 1990 more" in wide_refused["message"] and len(wide_refused["message"]) < 1_000
    assert iris.case_iocs() == [] and iris.evidences == []
    assert fake_iris.run_pipeline(make_module(), tmp_path).get_data() == []  # it does not fail the next run


def test_a_file_that_fails_midway_says_what_it_added_already(iris, make_module, tmp_path, monkeypatch):
    saved = iris.update_ioc_state

    def database_gone_after_one(caseid, userid=None):
        if iris.ioc_states:
            raise ConnectionError("the database went away")
        saved(caseid=caseid, userid=userid)

    monkeypatch.setattr(iris, "update_ioc_state", database_gone_after_one)

    result = run(make_module, tmp_path, "iocs.csv", "type,value\ndomain,a.example\nmd5,bad\ndomain,b.example\n")

    assert not result["ok"]
    assert result["message"].startswith(
        "RuntimeError: stopped at line 4, after 1 IOC(s) added: the database went away (moved to rejected/iocs-"
    )


def test_only_the_files_the_pipeline_reads_are_taken_at_upload(make_module, tmp_path):
    class Upload:
        def __init__(self, filename):
            self.filename = filename

        def save(self, destination):
            (tmp_path / self.filename).write_text("type,value\n")

    module = make_module()
    refused = module.pipeline_files_upload(str(tmp_path), Upload("memory.raw"), "Customer", "#1", "true")
    kept = module.pipeline_files_upload(str(tmp_path), Upload("iocs.csv"), "Customer", "#1", "true")

    assert refused.is_failure() and "memory.raw" in refused.get_message()
    assert kept.is_success()
    assert [path.name for path in tmp_path.iterdir()] == ["iocs.csv"]
