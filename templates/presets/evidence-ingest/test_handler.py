"""Ingestion end to end: uploaded files through the pipeline, a result per file, bad records by line."""

import json

import fake_iris


def test_a_csv_file_of_indicators_is_read(make_module, tmp_path):
    (tmp_path / "iocs.csv").write_text("type,value,description\nip-dst,203.0.113.7,C2\ndomain,evil.example,\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_success(), status.get_message()
    # TODO: assert where your store() put the indicators.
    assert status.get_data()[0]["message"] == "iocs.csv: 2 indicator(s) read, 0 rejected"


def test_bad_records_are_reported_by_line_and_the_rest_kept(make_module, tmp_path):
    lines = [json.dumps({"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}), "{broken", "[1, 2]",
             json.dumps({"type": "domain"}), "", json.dumps({"type": "url", "value": "https://evil.example/a"})]  # fmt: skip
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.get_data()[0]["message"] == (
        "feed.jsonl: 2 indicator(s) read, 3 rejected"
        " (line 2: not a JSON object; line 3: not a JSON object; line 4: no value)"
    )


def test_a_file_of_another_kind_fails_alone(make_module, tmp_path):
    (tmp_path / "memory.raw").write_bytes(b"\x00" * 16)
    (tmp_path / "iocs.csv").write_text("type,value\ndomain,evil.example\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_failure()
    assert [(r["file"], r["ok"]) for r in status.get_data()] == [("iocs.csv", True), ("memory.raw", False)]
    assert "not a .csv, .jsonl or .ndjson file" in status.get_data()[1]["message"]
