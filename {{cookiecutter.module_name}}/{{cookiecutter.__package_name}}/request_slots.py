"""Request slots that every worker process and worker container of one IRIS shares.

{{ iris().name }} runs several hook tasks at once, one per object, in several processes (one per CPU
of the worker's host, and one per worker container): a request spacer kept in memory holds a
limit only inside one process, and a service's per-minute quota is spent at once. The slots
are kept where all of them meet, IRIS's own PostgreSQL, in a table of one row per module and
key, ``dim_request_slots`` (made when missing): ``next_free`` is when the next request may go.
Each request takes the first free slot in one atomic UPDATE. To reset a limit, delete its row;
the table holds no data of IRIS's.

Outside IRIS (the tests, ``make check``) the same statements run on a SQLite file in the
temporary folder, which every process of the machine shares.
"""

import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .iris_db import iris_db

CREATE = (
    "CREATE TABLE IF NOT EXISTS dim_request_slots"
    " (slot_key VARCHAR(200) PRIMARY KEY, next_free DOUBLE PRECISION NOT NULL)"
)
ENSURE = "INSERT INTO dim_request_slots (slot_key, next_free) VALUES (:key, 0) ON CONFLICT (slot_key) DO NOTHING"
# The first free slot is max(next_free, now); it is taken only when it comes before ``latest``.
TAKE = (
    "UPDATE dim_request_slots SET next_free = CASE WHEN next_free > :now THEN next_free ELSE :now END + :interval"
    " WHERE slot_key = :key AND next_free <= :latest RETURNING next_free"
)
# A slot taken as a claim (until ``until``) is given back once its work is done, unless another took it since.
GIVE_BACK = "UPDATE dim_request_slots SET next_free = :now WHERE slot_key = :key AND next_free = :until"
PEEK = "SELECT next_free FROM dim_request_slots WHERE slot_key = :key"
EXISTS = "SELECT 1 FROM dim_request_slots WHERE 1 = 0"
SQLITE_FILE = Path(tempfile.gettempdir()) / f"{__package__}-request-slots.sqlite3"


class Slots:
    """Takes request slots ``interval`` seconds apart for a key, in the store every process shares."""

    def __init__(self, store=None):
        self.store = store or shared_store()

    def take(self, key, interval, now, latest):
        """(True, when the request may go) for the first free slot; (False, when the next slot is)
        without taking it when that comes after ``latest``. Times are seconds since 1970."""
        if self.store.name not in _TABLES_MADE:
            self.make_table()
            _TABLES_MADE.add(self.store.name)
        with self.store.transaction() as execute:
            execute(ENSURE, key=key)
            taken = execute(TAKE, key=key, now=now, interval=interval, latest=latest)
            if taken:
                return True, taken[0][0] - interval
            return False, execute(PEEK, key=key)[0][0]

    def give_back(self, key, until, now):
        """Free the slot taken until ``until`` at ``now``: the end of a claim (the hunt preset's) whose work is done."""
        with self.store.transaction() as execute:
            execute(GIVE_BACK, key=key, until=until, now=now)

    def make_table(self):
        try:
            with self.store.transaction() as execute:
                execute(CREATE)
        except Exception:  # PostgreSQL: another worker made it at the same moment
            with self.store.transaction() as execute:
                execute(EXISTS)  # raises if it is missing after all


_TABLES_MADE = set()  # the stores whose table this process has made or found


def shared_store():
    """IRIS's database inside IRIS, else a SQLite file of this machine's."""
    engine = getattr(iris_db(), "engine", None)  # reaches IRIS's PostgreSQL; the tests' fake IRIS has none
    if engine is None:
        return SqliteStore(Path(os.environ.get("DIM_REQUEST_SLOTS", SQLITE_FILE)))
    return EngineStore(engine)


class EngineStore:
    """A SQLAlchemy engine's database; each transaction on a connection of its own, never IRIS's session."""

    def __init__(self, engine):
        self.engine = engine
        self.name = str(engine.url)

    @contextmanager
    def transaction(self):
        from sqlalchemy import text

        with self.engine.begin() as connection:

            def execute(sql, **params):
                result = connection.execute(text(sql), params)
                return result.fetchall() if result.returns_rows else []

            yield execute


class SqliteStore:
    """A SQLite file, locked for writing for the length of each transaction."""

    def __init__(self, path):
        self.path = path
        self.name = str(path)

    @contextmanager
    def transaction(self):
        connection = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield lambda sql, **params: connection.execute(sql, params).fetchall()
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
