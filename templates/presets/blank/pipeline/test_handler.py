"""Your handler at work on files as IRIS hands them over: where your assertions go."""

import fake_iris


def test_process_file(make_module, tmp_path):
    (tmp_path / "sample.log").write_text("first\nsecond\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_success(), status.get_message()
    # TODO: assert what your pipeline does with the file, e.g. the records it sent.
    assert status.get_data()[0]["message"] == "2 record(s) read"
