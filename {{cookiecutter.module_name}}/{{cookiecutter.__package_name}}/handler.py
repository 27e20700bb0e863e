{%- if cookiecutter.module_type == "processor" -%}
"""What the module does with the objects IRIS hands it. Your logic goes here.

Plain functions, importable without IRIS: each takes the list of objects a hook carries and
a Context (``settings``, ``server_settings``, ``log``) and returns the list, changed or
not. Raise when something goes wrong: the module class turns the exception into an error
status that IRIS shows in DIM tasks, and IRIS's data stays as it was.
"""


def handle_iocs(iocs, context):
    """Run for a new IOC (``on_postload_ioc_create``) and from the IOC menu (``on_manual_trigger_ioc``).

    ``iocs`` is a list of IRIS ``Ioc`` objects: ``ioc_value``, ``ioc_type.type_name``
    (e.g. ``ip-dst``, ``domain``, ``sha256``), ``ioc_tags`` (comma-separated),
    ``ioc_description``. Changes made to them are saved by IRIS.
    """
    for ioc in iocs:
        context.log.info(f"Received IOC {ioc.ioc_value!r} of type {ioc.ioc_type.type_name}")
        # TODO: act on the IOC: query your service, then update ioc_description or ioc_tags.
    return iocs
{%- else -%}
"""What the module does with each uploaded evidence file. Your logic goes here.

A plain function, importable without IRIS. It gets the file's path and a Context
(``settings``, ``server_settings``, ``log``, and ``args``: the pipeline arguments the user
typed) and returns a one-line summary for the task log. Raise when the file cannot be
processed: it is reported as failed, kept for another run, and the other files go on.
"""


def process_file(path, context):
    """Process one evidence file (a ``pathlib.Path`` inside the case's upload folder)."""
    records = 0
    with path.open("rb") as evidence:
        for _record in evidence:  # read as a stream: evidence files can outgrow memory
            records += 1
            # TODO: parse the record and send it where it belongs (a SIEM index, the case, ...).
    return f"{records} record(s) read from {path.name}"
{%- endif %}
