"""Dispatch on IRIS's exact IOC type names.

IRIS names IOC types as MISP does: ``ip-dst``, ``domain``, ``md5``, ``filename|md5``... Compare
whole names: ``"md5" in type_name`` is also true for ``filename|md5``, whose value is
``name|hash``, and a lookup would then send a file name to a hash endpoint.
"""


def type_name(ioc):
    """The IOC's IRIS type name, e.g. ``ip-dst``."""
    return ioc.ioc_type.type_name


def choose(ioc, choices, log):
    """``choices[type name]`` for the IOC, or None (logged) when its type is not one of them."""
    name = type_name(ioc)
    if name not in choices:
        log.info(f"IOC {ioc.ioc_value!r}: type {name!r} is not handled by this module, skipped")
        return None
    return choices[name]


def split_composite(ioc):
    """``(file name, hash)`` for a composite type such as ``filename|sha256``; ``(None, value)`` otherwise."""
    if "|" in type_name(ioc) and "|" in ioc.ioc_value:
        filename, _, digest = ioc.ioc_value.rpartition("|")
        return filename, digest
    return None, ioc.ioc_value
