"""What a module leaves on an IRIS object: fields of its tabs, tags, lines of a text field.

Each changes only what the module owns (its tab's field, its tags, its line) and keeps the rest.
Inside IRIS it reads the field again from IRIS's database just before the change and saves the
change at once: another module's task or an analyst may have changed the object since IRIS handed
it over, and a value read earlier would erase theirs. It cannot undo what IRIS's worker does
itself, writing an object back as it was when its hook was queued (module_handler.py:446-468).
"""

from contextlib import contextmanager

from .iris_db import iris_db


def set_report_tab(obj, tab, html, field="Report"):
    """Write ``html`` in the object's tab ``tab`` (custom attributes), replacing an earlier report."""
    set_tab_field(obj, tab, field, "html", html)


def set_tab_field(obj, tab, field, field_type, value):
    """Set one field of one of the object's custom-attribute tabs, as IRIS's own pages would, and save it."""
    # IRIS's own function: it saves the object's custom attributes. Imported here because it
    # exists only inside IRIS.
    from app.datamgmt.manage.manage_attribute_db import add_tab_attribute_field

    with _latest(obj, "custom_attributes"):  # the whole tab set is written: other tabs must be current
        add_tab_attribute_field(obj, tab_name=tab, field_name=field, field_type=field_type, field_value=value)


def add_tags(obj, attribute, tags):
    """Add ``tags`` to the object's comma-separated tag field ``attribute``, each once."""
    with _latest(obj, attribute):
        setattr(obj, attribute, _with_tags(_tags(getattr(obj, attribute)), tags))


def replace_tags(obj, attribute, prefix, tags):
    """Remove the object's ``prefix:*`` tags, then add ``tags``: a new verdict replaces the last one.

    Tags outside the family are kept as they are, in their order.
    """
    family = f"{prefix.strip().lower()}:"
    with _latest(obj, attribute):
        kept = [tag for tag in _tags(getattr(obj, attribute)) if not tag.lower().startswith(family)]
        setattr(obj, attribute, _with_tags(kept, tags))


def replace_line(obj, attribute, prefix, line):
    """Put ``line`` at the end of the object's text field ``attribute`` (a note, a description) in place of its
    lines that start with ``prefix``: a new verdict replaces the last one. Other lines are kept as they are."""
    with _latest(obj, attribute):
        kept = [text for text in (getattr(obj, attribute) or "").splitlines() if not text.startswith(prefix)]
        setattr(obj, attribute, "\n".join([*kept, line]))


def _tags(text):
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def _with_tags(current, tags):
    """``current`` followed by each of ``tags`` it lacks (whatever their case), comma-separated."""
    seen = {tag.lower() for tag in current}
    for tag in (tag.strip() for tag in tags):
        if tag and tag.lower() not in seen:
            current.append(tag)
            seen.add(tag.lower())
    return ",".join(current)


@contextmanager
def _latest(obj, attribute):
    """Change ``attribute`` over what IRIS's database holds now, and save it at once.

    Outside IRIS, or for an object IRIS's session does not hold, the object is changed as it is.
    """
    session = _iris_session()
    if session is None or obj not in session:
        yield
        return
    # FOR UPDATE: no other worker process writes the field between this read and the commit.
    # Read before the change: a refresh drops an unsaved change to the field.
    session.refresh(obj, [attribute], with_for_update=True)
    try:
        yield
    finally:
        # Saved now, not when IRIS commits after the whole call, which may be minutes later.
        session.commit()


def _iris_session():
    """IRIS's database session (the worker's, in a hook), or None outside IRIS."""
    db = iris_db()
    return None if db is None else db.session
