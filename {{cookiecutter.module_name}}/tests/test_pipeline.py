"""The pipeline saves uploads safely and processes each file with a result of its own."""

import importlib
import re
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fake_iris
import pytest


def kept(folder, stem, suffix):
    """The files of ``folder`` kept under the name of an upload, ``stem`` + ``suffix``, with the UTC time it was taken."""
    pattern = re.escape(stem) + r"-[0-9]+T[0-9]+Z(-[0-9]+)?" + re.escape(suffix)
    return sorted(path for path in folder.iterdir() if re.fullmatch(pattern, path.name))


class Upload:
    """A werkzeug upload as IRIS passes it to pipeline_files_upload."""

    def __init__(self, filename, content=b"line 1\nline 2\n"):
        self.filename = filename
        self._content = content

    def save(self, destination):
        Path(destination).write_bytes(self._content)


@pytest.fixture(autouse=True)
def line_counter(module_class, monkeypatch):
    """Stand in for the handler: these tests are about the glue, not your logic (test_handler.py is)."""

    def count_lines(path, context):
        return f"{len(path.read_bytes().splitlines())} line(s)"

    monkeypatch.setattr(module_class, "process_file", staticmethod(count_lines))
    monkeypatch.setattr(module_class, "accepted_suffixes", ())  # any file


def test_an_upload_is_saved_under_the_case_folder(make_module, tmp_path):
    status = make_module().pipeline_files_upload(str(tmp_path), Upload("Security.evtx"), "Customer", "#1", "true")

    assert status.is_success(), status.get_message()
    assert (tmp_path / "Security.evtx").read_bytes() == b"line 1\nline 2\n"


def test_an_upload_of_a_kind_the_pipeline_does_not_read_is_refused(make_module, module_class, tmp_path, monkeypatch):
    monkeypatch.setattr(module_class, "accepted_suffixes", (".log", ".txt"))

    refused = make_module().pipeline_files_upload(str(tmp_path), Upload("memory.raw"), "Customer", "#1", "true")
    kept = make_module().pipeline_files_upload(str(tmp_path), Upload("Auth.LOG"), "Customer", "#1", "true")

    assert refused.is_failure() and "reads .log, .txt files" in refused.get_message()
    assert kept.is_success(), kept.get_message()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["Auth.LOG"]


# An absolute name points into tmp_path too: were the check broken (a mutation test breaks it on
# purpose), the upload must land where the test sees it, never on the machine's own files.
@pytest.mark.parametrize("name", ["../escape.txt", "{tmp}/elsewhere/escape.txt", "a/../../escape.txt"])
def test_an_upload_named_outside_the_folder_is_refused(make_module, tmp_path, name):
    folder = tmp_path / "case"
    folder.mkdir()
    (tmp_path / "elsewhere").mkdir()

    upload = Upload(name.format(tmp=tmp_path))
    status = make_module().pipeline_files_upload(str(folder), upload, "Customer", "#1", "true")

    assert status.is_failure()
    assert list(tmp_path.rglob("*.txt")) == []


def test_each_file_gets_its_own_result_and_is_moved_aside(make_module, tmp_path):
    (tmp_path / "a.log").write_text("1\n2\n3\n")
    (tmp_path / "b.log").write_text("1\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_success(), status.get_message()
    assert [(r["file"], r["ok"]) for r in status.get_data()] == [("a.log", True), ("b.log", True)]
    [a], [b] = kept(tmp_path / "processed", "a", ".log"), kept(tmp_path / "processed", "b", ".log")
    assert (a.read_text(), b.read_text()) == ("1\n2\n3\n", "1\n")
    assert status.get_data()[0] == {"file": "a.log", "ok": True, "message": "3 line(s)", "kept": f"processed/{a.name}"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "processing"]
    assert fake_iris.run_pipeline(make_module(), tmp_path).get_data() == []  # the next run does not redo them


def test_a_second_upload_of_the_same_name_overwrites_nothing(make_module, tmp_path):
    (tmp_path / "iocs.log").write_text("monday\n")
    fake_iris.run_pipeline(make_module(), tmp_path)
    (tmp_path / "iocs.log").write_text("tuesday\n")

    fake_iris.run_pipeline(make_module(), tmp_path)  # in the same second: the name takes a number

    assert sorted(path.read_text() for path in kept(tmp_path / "processed", "iocs", ".log")) == [
        "monday\n",
        "tuesday\n",
    ]


def test_a_file_another_run_took_is_skipped_with_a_line(make_module, module_class, tmp_path, monkeypatch):
    def takes_b_away(path, context):  # as a run at the same time would, between this run's listing and b
        (tmp_path / "b.log").unlink(missing_ok=True)
        return "done"

    monkeypatch.setattr(module_class, "process_file", staticmethod(takes_b_away))
    for name in ("a.log", "b.log", "c.log"):
        (tmp_path / name).write_text("x\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_success(), status.get_message()
    assert status.get_message() == "2 of 3 file(s) processed, 1 skipped"
    assert status.get_data()[1] == {
        "file": "b.log",
        "ok": True,
        "message": "skipped: no longer in the upload folder (another run took it, or it was removed)",
    }  # and nothing kept
    assert len(kept(tmp_path / "processed", "c", ".log")) == 1


def test_two_runs_at_the_same_time_process_each_file_once(make_module, tmp_path):
    names = [f"{number:02}.log" for number in range(40)]
    for name in names:
        (tmp_path / name).write_text(f"{name}\n")
    modules, statuses = [make_module(), make_module()], []

    runs = [threading.Thread(target=lambda m=m: statuses.append(fake_iris.run_pipeline(m, tmp_path))) for m in modules]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    processed = [r["file"] for status in statuses for r in status.get_data() if r["message"] == "1 line(s)"]
    assert sorted(processed) == names  # each once, by one run or the other; the other skipped it
    assert sorted(path.read_text() for path in (tmp_path / "processed").iterdir()) == [f"{name}\n" for name in names]


@pytest.mark.parametrize("moving", [True, False])
def test_a_file_removed_while_it_is_read_still_ends_the_run_with_a_status(
    make_module, module_class, tmp_path, monkeypatch, moving
):
    def removed_midway(path, context):
        path.unlink()
        return path.read_text()

    monkeypatch.setattr(module_class, "process_file", staticmethod(removed_midway))
    (tmp_path / "a.log").write_text("x\n")
    (tmp_path / "b.log").write_text("x\n")

    status = fake_iris.run_pipeline(make_module(move_processed=moving), tmp_path)

    assert status.is_failure()
    assert [(r["file"], r["ok"]) for r in status.get_data()] == [("a.log", False), ("b.log", False)]
    message = status.get_data()[0]["message"]
    assert message.startswith("FileNotFoundError: ")
    assert ("not moved to rejected/" in message) == moving


def test_files_stay_in_place_when_moving_is_off(make_module, tmp_path):
    (tmp_path / "a.log").write_text("1\n")

    fake_iris.run_pipeline(make_module(move_processed=False), tmp_path)

    assert (tmp_path / "a.log").exists()


def test_a_link_pointing_outside_the_folder_is_refused(make_module, tmp_path):
    folder, outside = tmp_path / "case", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_text("not evidence\n")
    (folder / "link.log").symlink_to(outside)

    status = fake_iris.run_pipeline(make_module(), folder)

    assert status.is_failure()
    [result] = status.get_data()
    assert (result["file"], result["ok"]) == ("link.log", False)
    assert "outside the upload folder" in result["message"]
    assert result["kept"] == f"rejected/{kept(folder / 'rejected', 'link', '.log')[0].name}"


def test_a_failing_file_does_not_stop_the_others(make_module, module_class, tmp_path, monkeypatch):
    def fails_on_b(path, context):
        if path.name.startswith("b-"):  # b.log, taken under a name of its own
            raise ValueError("unparsable")
        return "ok"

    monkeypatch.setattr(module_class, "process_file", staticmethod(fails_on_b))
    for name in ("a.log", "b.log", "c.log"):
        (tmp_path / name).write_text("x\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_failure()
    assert [r["ok"] for r in status.get_data()] == [True, False, True]
    [rejected] = kept(tmp_path / "rejected", "b", ".log")
    assert status.get_data()[1]["message"] == f"ValueError: unparsable (moved to rejected/{rejected.name})"
    assert fake_iris.run_pipeline(make_module(), tmp_path).get_data() == []  # later runs do not fail on it again


def test_a_missing_required_argument_stops_the_run(make_module, module_class, tmp_path, monkeypatch):
    info = dict(module_class._pipeline_info, pipeline_args=[["index", "required"]])
    monkeypatch.setattr(module_class, "_pipeline_info", info)
    (tmp_path / "a.log").write_text("x\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path, index=None)

    assert status.is_failure()
    assert "index" in status.get_message()
    assert (tmp_path / "a.log").exists()


def test_an_error_is_shown_in_a_bounded_message(make_module, module_class, tmp_path, monkeypatch):
    def fails_at_length(path, context):
        raise ValueError("x" * 1_000_000)

    monkeypatch.setattr(module_class, "process_file", staticmethod(fails_at_length))
    (tmp_path / "a.log").write_text("x\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.get_data()[0]["message"].startswith("ValueError: xxx")
    assert len(status.get_data()[0]["message"]) < 1200


def test_an_upload_to_a_case_folder_iris_has_not_made_yet_is_saved(make_module, tmp_path):
    folder = tmp_path / "customer" / "case-1"

    status = make_module().pipeline_files_upload(str(folder), Upload("Security.evtx"), "Customer", "#1", "true")

    assert status.get_message() == "Saved Security.evtx"
    assert (folder / "Security.evtx").exists()


def test_an_upload_that_cannot_be_saved_says_why(make_module, tmp_path, caplog):
    class Full(Upload):
        def save(self, destination):
            raise OSError("no space left on device")

    status = make_module().pipeline_files_upload(str(tmp_path), Full("a.log"), "Customer", "#1", "true")

    assert status.is_failure()
    assert status.get_message() == "Could not save 'a.log': no space left on device"
    assert "Upload failed" in caplog.messages


def test_the_handler_gets_the_arguments_case_and_user_of_the_run(make_module, module_class, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(module_class, "process_file", staticmethod(lambda path, context: seen.append(context) or "ok"))
    info = dict(module_class._pipeline_info, pipeline_args=[["index", "required"], ["note", "optional"]])
    monkeypatch.setattr(module_class, "_pipeline_info", info)
    (tmp_path / "a.log").write_text("x\n")
    module = make_module()
    data = {**fake_iris.pipeline_data(module, tmp_path, index="2026-q1", note="n"), "case_id": 4, "user_id": 2}

    status = module.pipeline_handler("pipeline_update", data)

    assert status.get_message() == "1 of 1 file(s) processed"
    [context] = seen
    assert (context.args, context.case_id, context.user_id) == ({"index": "2026-q1", "note": "n"}, 4, 2)


def test_every_missing_required_argument_is_named(make_module, module_class, tmp_path, monkeypatch):
    info = dict(module_class._pipeline_info, pipeline_args=[["index", "required"], ["case", "required"]])
    monkeypatch.setattr(module_class, "_pipeline_info", info)

    status = fake_iris.run_pipeline(make_module(), tmp_path, index="", case=None)

    assert status.get_message() == "Missing required pipeline argument(s): index, case"


def test_the_status_counts_the_files_processed_and_failed(make_module, module_class, tmp_path, monkeypatch, caplog):
    def fails_on_b(path, context):
        if path.name.startswith("b"):
            raise ValueError("unparsable")
        return "read"

    monkeypatch.setattr(module_class, "process_file", staticmethod(fails_on_b))
    for name in ("a.log", "b.log", "c.log"):
        (tmp_path / name).write_text("x\n")
    caplog.set_level("INFO")

    status = fake_iris.run_pipeline(make_module(move_processed=False), tmp_path)

    assert status.get_message() == "2 of 3 file(s) processed"
    assert "b.log failed" in caplog.messages and "a.log: read" in caplog.messages


def test_a_file_that_cannot_be_taken_is_reported_and_left(make_module, tmp_path):
    (tmp_path / "a.log").write_text("x\n")
    (tmp_path / "processing").write_text("a file where the folder should be\n")

    status = fake_iris.run_pipeline(make_module(), tmp_path)

    assert status.is_failure()
    result = status.get_data()[0]
    assert set(result) == {"file", "ok", "message"} and (result["file"], result["ok"]) == ("a.log", False)
    assert result["message"].startswith("could not be taken: [Errno 17] File exists")
    assert (tmp_path / "a.log").exists()


def test_a_processed_file_that_cannot_be_moved_aside_says_so(make_module, module_class, tmp_path, monkeypatch):
    def read_then_gone(path, context):
        path.unlink()
        return "read"

    monkeypatch.setattr(module_class, "process_file", staticmethod(read_then_gone))
    (tmp_path / "a.log").write_text("x\n")

    [result] = fake_iris.run_pipeline(make_module(), tmp_path).get_data()

    assert (result["ok"], result["kept"]) == (True, None)
    assert result["message"].startswith("read (not moved to processed/: [Errno 2] No such file or directory")


@pytest.fixture
def pipeline(module_class):
    return importlib.import_module("{{ cookiecutter.__package_name }}.pipeline")  # once the fake IRIS is in


def test_a_kept_name_has_the_utc_time_then_a_number(pipeline, tmp_path, monkeypatch):
    class ServerClock(datetime):
        """A server whose local time is not UTC: an hour ahead."""

        @classmethod
        def now(cls, tz=None):
            utc = datetime(2026, 3, 1, 23, 30, 5, tzinfo=timezone.utc)
            return utc.astimezone(tz) if tz else (utc + timedelta(hours=1)).replace(tzinfo=None)

    monkeypatch.setattr(pipeline, "datetime", ServerClock)
    (tmp_path / "processed").mkdir()

    first = pipeline.kept_name("iocs.log", tmp_path)
    (tmp_path / "processed" / first).write_text("")
    second = pipeline.kept_name("iocs.log", tmp_path)
    (tmp_path / "processed" / second).write_text("")

    assert (first, second) == ("iocs-20260301T233005Z.log", "iocs-20260301T233005Z-2.log")
    assert pipeline.kept_name("iocs.log", tmp_path) == "iocs-20260301T233005Z-3.log"


def test_an_error_is_cut_after_its_thousandth_character(pipeline):
    assert pipeline.shorten("x" * 1000) == "x" * 1000
    assert pipeline.shorten("x" * 1001) == "x" * 1000 + "..."
