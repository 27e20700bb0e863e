"""What each of the module's DIM tasks returned, read inside IRIS's app container with IRIS's Python.

    python iris_tasks.py IRIS_APP_DIR TASK_ID...

`make try` runs it there because IRIS shows a task's message and logs only in its web page, whose
route wants a browser's session (IRIS 2.4's /dim/tasks/status/<id> fails on an API key alone).
IRIS keeps each task's returned status in its celery results table; where that database is, IRIS's
own app/configuration.py says (from its environment, config file or vault), loaded alone by path.
Prints one JSON object a task: task_id, status, success, message, logs, traceback.
"""

import importlib.util
import io
import json
import pickle
import sys


class Kept:
    """An object of IRIS's own classes (its database rows) in a returned status: kept as its name."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


class Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith(("app.", "sqlalchemy")):  # IRIS's rows need IRIS's mappers: not loaded here
            return type(name, (Kept,), {})
        return super().find_class(module, name)


def results_database(app_dir):
    spec = importlib.util.spec_from_file_location("iris_configuration", f"{app_dir}/app/configuration.py")
    configuration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(configuration)
    return configuration.CeleryConfig.result_backend.split("+", 1)[1]  # "db+postgresql+psycopg2://..."


def main(app_dir, task_ids):
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(results_database(app_dir))
    query = text("SELECT task_id, status, result, traceback FROM celery_taskmeta WHERE task_id IN :ids")
    with engine.connect() as connection:
        rows = connection.execute(query.bindparams(bindparam("ids", expanding=True)), {"ids": task_ids}).fetchall()
    for task_id, status, result, traceback in rows:
        found = {"task_id": task_id, "status": status, "traceback": traceback or ""}
        try:
            returned = Unpickler(io.BytesIO(bytes(result))).load()
            found.update(
                success=returned.is_success(),
                message=str(returned.get_message()),
                logs=[str(line) for line in returned.get_logs() or []],
            )
        except Exception as error:  # a task that died before returning a status
            found.update(success=False, message=f"no status returned ({type(error).__name__})", logs=[])
        print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
