"""Your handler functions at work on data shaped as IRIS sends it: where your assertions go."""

import fake_iris
{%- for function in hook_plan(cookiecutter).functions %}
{%- set hook = function.hooks[0] %}


def test_{{ function.name }}(make_module):
    {{ function.argument }} = fake_iris.hook_data("{{ hook.name }}")

    status = make_module().hooks_handler("{{ hook.name }}", None, {{ function.argument }})

    assert status.is_success(), status.get_message()
    # TODO: assert what {{ function.name }} does with the data, e.g. the fields it sets.
    assert status.get_data() == {{ function.argument }}
{%- endfor %}
