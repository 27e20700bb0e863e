"""Request slots are shared by every process through one store, and taken one after the other."""

import sqlite3
from contextlib import contextmanager

import pytest

from {{ cookiecutter.__package_name }} import request_slots
from {{ cookiecutter.__package_name }}.request_slots import Slots, SqliteStore


@pytest.fixture
def store(tmp_path):
    return SqliteStore(tmp_path / "slots.sqlite3")


def test_slots_are_taken_an_interval_apart_by_every_taker_of_the_store(store):
    first, second = Slots(store), Slots(store)  # two worker processes' calls

    taken = [first.take("vt:key", 15, now=1000, latest=2000), second.take("vt:key", 15, now=1001, latest=2000),
             first.take("vt:key", 15, now=1002, latest=2000)]  # fmt: skip

    assert taken == [(True, 1000), (True, 1015), (True, 1030)]


def test_each_key_has_its_own_slots(store):
    slots = Slots(store)
    slots.take("vt:one-key", 15, now=1000, latest=2000)

    assert slots.take("vt:another-key", 15, now=1000, latest=2000) == (True, 1000)


def test_a_slot_past_the_latest_is_not_taken_and_says_when_it_is(store):
    slots = Slots(store)
    slots.take("vt:key", 15, now=1000, latest=2000)

    assert slots.take("vt:key", 15, now=1001, latest=1010) == (False, 1015)
    assert slots.take("vt:key", 15, now=1001, latest=1020) == (True, 1015)  # the refused one was not spent


def test_a_free_slot_does_not_wait_for_the_past(store):
    slots = Slots(store)
    slots.take("vt:key", 15, now=1000, latest=2000)

    assert slots.take("vt:key", 15, now=5000, latest=6000) == (True, 5000)


def test_a_slot_given_back_is_free_at_once_unless_another_taker_has_it_since(store):
    slots = Slots(store)
    slots.take("hunt:h", 60, now=1000, latest=1000)  # a claim held until 1060

    slots.give_back("hunt:h", until=1060, now=1010)
    again = slots.take("hunt:h", 60, now=1011, latest=1011)  # held until 1071 by another
    slots.give_back("hunt:h", until=1060, now=1012)  # the first taker's, once more: not its own any longer

    assert again == (True, 1011) and slots.take("hunt:h", 60, now=1013, latest=1013) == (False, 1071)


def test_a_table_made_by_another_worker_at_the_same_moment_is_used(store, monkeypatch):
    # PostgreSQL's CREATE TABLE IF NOT EXISTS fails in the one of two workers that loses the race.
    monkeypatch.setattr(request_slots, "_TABLES_MADE", set())
    lost = {"race": True}
    other_worker = SqliteStore(store.path)

    @contextmanager
    def transaction():
        if lost.pop("race", False):
            with other_worker.transaction() as execute:  # the other worker makes the table first...
                execute(request_slots.CREATE)
            raise sqlite3.IntegrityError("duplicate key value violates unique constraint")  # ...and this one fails
        with other_worker.transaction() as execute:
            yield execute

    monkeypatch.setattr(store, "transaction", transaction)

    assert Slots(store).take("vt:key", 15, now=1000, latest=2000) == (True, 1000)
