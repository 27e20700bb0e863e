"""IOC types are compared whole: md5 is not filename|md5."""

import logging

import fake_iris

from {{ cookiecutter.__package_name }} import ioc_types

CHOICES = {"md5": "hash lookup", "domain": "domain lookup"}


def test_an_exact_type_is_chosen():
    assert ioc_types.choose(fake_iris.ioc("d41d8cd98f00b204e9800998ecf8427e", "md5"), CHOICES, logging.getLogger()) == (
        "hash lookup"
    )


def test_a_type_that_only_contains_a_known_name_is_skipped_with_a_log_line(caplog):
    ioc = fake_iris.ioc("setup.exe|d41d8cd98f00b204e9800998ecf8427e", "filename|md5")

    with caplog.at_level(logging.INFO):
        assert ioc_types.choose(ioc, CHOICES, logging.getLogger("test")) is None

    assert "'filename|md5' is not handled" in caplog.text


def test_a_composite_value_splits_into_file_name_and_hash():
    ioc = fake_iris.ioc("a|b.exe|d41d8cd98f00b204e9800998ecf8427e", "filename|md5")

    assert ioc_types.split_composite(ioc) == ("a|b.exe", "d41d8cd98f00b204e9800998ecf8427e")
    assert ioc_types.split_composite(fake_iris.ioc("example.org", "domain")) == (None, "example.org")
