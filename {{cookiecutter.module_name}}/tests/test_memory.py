"""IRIS builds a module instance per call in a worker that lives for days: calls must keep nothing."""

import gc
import logging
import tracemalloc

import fake_iris
import pytest

CALLS = 300
KEPT_PER_CALL_LIMIT = 100  # bytes; iris-interface alone keeps about 2 kB per instance


@pytest.fixture
def call_once(make_module, module_class, monkeypatch, tmp_path):
    """One hook call (a processor's first hook) or one pipeline run, its handler stood in for."""
    fake_iris.stand_in_handler(module_class, monkeypatch, lambda data, context: data)
    return lambda: fake_iris.call_once(make_module(), tmp_path)


def test_calls_register_no_loggers(call_once):
    call_once()  # the first logger's parent is registered once for all
    before = len(logging.Logger.manager.loggerDict)

    for _ in range(CALLS):
        call_once()

    assert len(logging.Logger.manager.loggerDict) == before


def kept_per_call(call, calls=CALLS, windows=3):
    """Bytes of memory still held after each ``call()``: the least over a few windows.

    A leak grows in every window; Python's own tables (interned strings, the logger
    registry) grow now and then in one step, which lands in a single window.
    """
    for _ in range(50):  # warm caches first
        call()
    kept = []
    tracemalloc.start()
    try:
        for _ in range(windows):
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(calls):
                call()
            gc.collect()
            kept.append(tracemalloc.get_traced_memory()[0] - before)
    finally:
        tracemalloc.stop()
    return min(kept) / calls


def test_calls_keep_no_memory(call_once):
    assert kept_per_call(call_once) < KEPT_PER_CALL_LIMIT

{%- if cookiecutter.module_type == "pipeline" %}


def test_a_huge_evidence_file_is_streamed_not_read_whole(make_module, tmp_path):
    lines = 100_000
    with (tmp_path / "huge.csv").open("w") as huge:  # about 2 MB of indicators, one per line
        huge.write("type,value\n")
        huge.writelines("domain,evil.example\n" for _ in range(lines))
    size = (tmp_path / "huge.csv").stat().st_size

    tracemalloc.start()
    try:
        status = fake_iris.run_pipeline(make_module(), tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert status.is_success(), status.get_message()
    assert peak < size / 8, f"{peak:,} bytes held at once for a {size:,}-byte file"
{%- endif %}
