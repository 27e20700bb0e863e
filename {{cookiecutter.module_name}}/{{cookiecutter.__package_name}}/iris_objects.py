"""What a module leaves on an IRIS object: fields of its tabs, tags, lines of a text field."""


def set_report_tab(obj, tab, html, field="Report"):
    """Write ``html`` in the object's tab ``tab`` (custom attributes), replacing an earlier report."""
    set_tab_field(obj, tab, field, "html", html)


def set_tab_field(obj, tab, field, field_type, value):
    """Set one field of one of the object's custom-attribute tabs, as IRIS's own pages would, and save it."""
    # IRIS's own function: it saves the object's custom attributes. Imported here because it
    # exists only inside IRIS.
    from app.datamgmt.manage.manage_attribute_db import add_tab_attribute_field

    add_tab_attribute_field(obj, tab_name=tab, field_name=field, field_type=field_type, field_value=value)


def add_tags(obj, attribute, tags):
    """Add ``tags`` to the object's comma-separated tag field ``attribute``, each once."""
    current = [tag.strip() for tag in (getattr(obj, attribute) or "").split(",") if tag.strip()]
    seen = {tag.lower() for tag in current}
    for tag in (tag.strip() for tag in tags):
        if tag and tag.lower() not in seen:
            current.append(tag)
            seen.add(tag.lower())
    setattr(obj, attribute, ",".join(current))


def replace_tags(obj, attribute, prefix, tags):
    """Remove the object's ``prefix:*`` tags, then add ``tags``: a new verdict replaces the last one.

    Tags outside the family are kept as they are, in their order.
    """
    family = f"{prefix.strip().lower()}:"
    current = [tag.strip() for tag in (getattr(obj, attribute) or "").split(",") if tag.strip()]
    setattr(obj, attribute, ",".join(tag for tag in current if not tag.lower().startswith(family)))
    add_tags(obj, attribute, tags)


def add_line(obj, attribute, line):
    """Append ``line`` to the object's text field ``attribute`` (a note, a description) unless it is there."""
    text = getattr(obj, attribute) or ""
    if line not in text.splitlines():
        setattr(obj, attribute, f"{text}\n{line}" if text else line)
