"""The format IRIS's source gives each IOC type, which a value of the type must match before it is added.

IRIS checks an IOC's value against the format its type's row holds, the whole value, ignoring case
(schema/marshables.py:995-999 in 2.4.20); iris_case.py does the same. IRIS's post_init.py gives the
types below a format, but a fresh database's rows lack it: create_safe_limited keeps only the type's
name and description (models/models.py:90-94), so IRIS takes any value for them until an admin sets
one under Manage > Advanced > Case Objects. Where a row has none, the module checks this one: a value
that is not a hash never becomes a hash IOC. Read from {{ iris().name }}'s post_init.py.
"""

FORMATS = {  # IOC type name: (regular expression, what IRIS says it expects)
{%- for name, format in iris().rows.ioc_type_formats.items() %}
{%- set entry = (name | python_literal) ~ ": (" ~ (format.regex | python_literal) ~ ", " ~ (format.expect | python_literal) ~ ")," %}
{%- if entry | length <= 116 %}
    {{ entry }}
{%- else %}
    {{ name | python_literal }}: (
        {{ format.regex | python_literal }},
        {{ format.expect | python_literal }},
    ),
{%- endif %}
{%- endfor %}
}
