"""IRIS's database, when the module runs inside IRIS: Flask-SQLAlchemy's ``db`` of IRIS's own package.

Imported only when asked for, as ``app`` exists only inside IRIS; outside it (the tests, a laptop)
the answer is None. The tests' fake IRIS gives a ``db`` with a session and no engine.
"""


def iris_db():
    try:
        from app import db
    except ImportError:
        return None
    return db
