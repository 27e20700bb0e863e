"""Ingestion end to end: uploaded files through the pipeline into the case: IOCs, evidences, bad records by line."""

import hashlib
import json

import fake_iris


def iocs_of_the_case(iris):
    return sorted((ioc.ioc_value, fake_iris.ROWS["ioc_types"][ioc.ioc_type_id - 1]) for ioc in iris.case_iocs())


def test_each_indicator_becomes_an_ioc_of_its_type_and_the_file_an_evidence(iris, make_module, tmp_path):
    content = "type,value,description\nip-dst,203.0.113.7,C2\ndomain,evil.example,\n"
    (tmp_path / "iocs.csv").write_text(content)

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_success(), status.get_message()
    # TODO: assert what your store() does with the indicators, if you send them further.
    assert status.get_data()[0]["message"] == "2 IOC(s) added, 0 already in the case, 0 rejected"
    assert iocs_of_the_case(iris) == [("203.0.113.7", "ip-dst"), ("evil.example", "domain")]
    [evidence] = iris.evidences
    assert (evidence["filename"], evidence["file_size"]) == ("iocs.csv", len(content.encode()))
    assert evidence["file_hash"] == hashlib.sha256(content.encode()).hexdigest()


def test_an_indicator_the_case_has_is_not_added_twice(iris, make_module, tmp_path):
    (tmp_path / "monday.csv").write_text("type,value\ndomain,evil.example\n")
    fake_iris.run_pipeline(make_module(), tmp_path)
    (tmp_path / "tuesday.jsonl").write_text(json.dumps({"type": "domain", "value": "evil.example"}) + "\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.get_data()[0]["message"] == "0 IOC(s) added, 1 already in the case, 0 rejected"
    assert iocs_of_the_case(iris) == [("evil.example", "domain")]
    assert [evidence["filename"] for evidence in iris.evidences] == ["monday.csv", "tuesday.jsonl"]


def test_bad_records_are_reported_by_line_and_the_rest_kept(iris, make_module, tmp_path):
    lines = [json.dumps({"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}), "{broken", "[1, 2]",
             json.dumps({"type": "domain"}), "", json.dumps({"type": "ip", "value": "203.0.113.7"}),
             json.dumps({"type": "url", "value": "https://evil.example/a"})]  # fmt: skip
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.get_data()[0]["message"] == (
        "2 IOC(s) added, 0 already in the case, 4 rejected (line 2: not a JSON object; line 3: not a JSON object;"
        " line 4: no value; line 6: IRIS has no IOC type 'ip')"
    )
    assert len(iocs_of_the_case(iris)) == 2


def test_a_csv_without_a_needed_column_is_refused_in_one_message(iris, make_module, tmp_path):
    (tmp_path / "ind.csv").write_text("indicator,type\nevil.example,domain\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_failure()
    assert status.get_data()[0]["message"] == (
        "ValueError: no value column (columns found: indicator, type) (moved to rejected/ind.csv)"
    )
    assert iris.case_iocs() == [] and iris.evidences == []
    assert fake_iris.run_pipeline(make_module(), tmp_path).get_data() == []  # it does not fail the next run


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
