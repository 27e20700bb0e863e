"""IRIS builds a module instance per call in a worker that lives for days: calls must keep nothing."""

import dataclasses
import gc
import logging
import tracemalloc

import fake_iris

CALLS = 300
KEPT_PER_CALL_LIMIT = 100  # bytes; iris-interface alone keeps about 2 kB per instance


def call_once(make_module, folder):
    """One hook call (a processor's first hook, its handler stood in for) or one pipeline run."""
    module = make_module()
    if module.get_module_type() == "module_processor":
        hook = type(module).hooks[0]
        module.hooks = (dataclasses.replace(hook, handler=lambda data, context: data),)
        return module.hooks_handler(hook.name, hook.menu_label, fake_iris.hook_data(hook.name))
    return module.pipeline_handler("pipeline_update", fake_iris.pipeline_data(module, folder))


def test_calls_register_no_loggers(make_module, tmp_path):
    call_once(make_module, tmp_path)  # the first logger's parent is registered once for all
    before = len(logging.Logger.manager.loggerDict)

    for _ in range(CALLS):
        call_once(make_module, tmp_path)

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


def test_calls_keep_no_memory(make_module, tmp_path):
    assert kept_per_call(lambda: call_once(make_module, tmp_path)) < KEPT_PER_CALL_LIMIT

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
