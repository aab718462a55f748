"""Every setting is read by one parser (apps/environment.py): typed, checked at start-up, one
error type with one message format; and the README's configuration table lists exactly the
variables the code reads."""

import ast
import importlib
import re
from pathlib import Path

import pytest

from apps import environment as env
from apps.environment import ConfigError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("apps", "composite", "config")


def read(setting, value):
    return setting.read({setting.name: value})


# The readers


def test_unset_or_empty_gives_the_default_and_a_value_is_typed():
    workers = env.Integer("T_WORKERS", 2, minimum=1, maximum=64)
    assert (workers.read({}), read(workers, ""), read(workers, " 3 ")) == (2, 2, 3)


@pytest.mark.parametrize(("word", "value"), [("true", True), ("On", True), ("1", True), ("no", False), ("0", False)])
def test_booleans_take_the_usual_words(word, value):
    assert read(env.Boolean("T_FLAG", not value), word) is value


def test_sizes_take_bytes_or_a_binary_unit():
    size = env.Size("T_BYTES", 0, minimum=0)
    assert [read(size, text) for text in ("1048576", "1MiB", "512 KiB", "2G")] == [1 << 20, 1 << 20, 512 << 10, 2 << 30]


def test_numbers_lists_prefixes_and_urls():
    assert read(env.Number("T_SECONDS", 1.0, above=0), "0.25") == 0.25
    assert read(env.Words("T_HOSTS"), " a.example, ,b.example ") == ("a.example", "b.example")
    assert read(env.Prefix("T_PREFIX", "/x"), "paste/") == "/paste"
    assert read(env.Prefix("T_PREFIX", "/x"), "") == ""  # empty is a value: the root
    assert read(env.Url("T_REDIS", schemes=("redis",)), "redis://h:6379/0") == "redis://h:6379/0"


@pytest.mark.parametrize(("setting", "value", "message"), [
    (env.Integer("T_PORT", 80, minimum=1, maximum=65535), "http", "T_PORT='http': expected a whole number from 1 to 65535."),
    (env.Integer("T_PORT", 80, minimum=1, maximum=65535), "0", "T_PORT='0': expected a whole number from 1 to 65535."),
    (env.Boolean("T_FLAG", False), "perhaps", "T_FLAG='perhaps': expected true or false (also 1/0, yes/no, on/off)."),
    (env.Number("T_SECONDS", 1.0, above=0), "nan", "T_SECONDS='nan': expected a number above 0."),
    (env.Size("T_BYTES", 1, minimum=1), "1 potato", "T_BYTES='1 potato': expected a number of bytes of at least 1 "
                                                    "(e.g. 1048576 or 1MiB)."),
    (env.Url("T_REDIS", schemes=("redis",)), "localhost", "T_REDIS='localhost': expected a URL starting with "
                                                          "redis:// (or nothing)."),
])
def test_a_bad_value_is_one_error_whose_one_line_names_the_variable_and_what_was_expected(setting, value, message):
    with pytest.raises(ConfigError) as error:
        read(setting, value)
    assert str(error.value) == message
    assert (error.value.name, error.value.value) == (setting.name, value)


def test_values_given_in_code_are_checked_alike():
    workers = env.Integer("T_WORKERS", 2, minimum=1, maximum=64)
    assert workers.coerce(3) == 3
    for bad in (0, 2.5, True):
        with pytest.raises(ConfigError, match="T_WORKERS"):
            workers.coerce(bad)


# Every read goes through the parser, and the README says what is read


def python_files():
    for package in PACKAGES:
        yield from (ROOT / package).rglob("*.py")


def environment_reads(path):
    """Lines of ``path`` that read ``os.environ`` or ``os.getenv`` (writes are not reads)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    writes = {id(node.func.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Attribute) and node.func.attr in ("setdefault", "update", "pop")}
    writes |= {id(target.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
               for target in node.targets if isinstance(target, ast.Subscript)}
    for node in ast.walk(tree):
        is_environ = isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
            isinstance(node.value, ast.Name) and node.value.id == "os"
        if is_environ and id(node) not in writes:
            yield node.lineno


def test_nothing_but_the_parser_reads_the_environment():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in python_files()
                 if path != ROOT / "apps" / "environment.py" for line in environment_reads(path)]
    assert offenders == []


def declaring_modules():
    """Every module of apps/, composite/ and config/ that imports the parser."""
    for path in python_files():
        text = path.read_text()
        if path.name != "environment.py" and re.search(r"^from apps(\.environment)? import .*\benvironment\b|"
                                                        r"^from apps\.environment import", text, re.M):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts)


def readme_variables():
    """The variables named in the first column of README's configuration table."""
    section = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}


def test_the_readme_table_lists_exactly_the_variables_the_code_reads():
    modules = sorted(declaring_modules())
    assert {"apps.sitewide", "config.settings", "composite.settings", "config.web"} <= set(modules)
    for module in modules:
        importlib.import_module(module)
    declared = {name for name in env.declared_names() if not name.startswith("T_")}
    documented = readme_variables()
    assert sorted(declared - documented) == [], "read by the code, missing from README's table"
    assert sorted(documented - declared) == [], "in README's table, read by no code"


@pytest.mark.parametrize("factory", ["apps.highlighter", "apps.diffviewer"])
def test_a_malformed_sitewide_variable_stops_an_app_at_start_up_not_at_its_first_page(monkeypatch, factory):
    monkeypatch.setenv("SITE_NAV", "[[1")
    with pytest.raises(ConfigError, match=r"SITE_NAV='\[\[1': expected a JSON list"):
        importlib.import_module(factory).create_app()


@pytest.mark.parametrize("value", [
    "rediss//default:s3cretPassw0rd@cache.example:6380",  # malformed: no scheme, still masked
    "ftp://user:s3cretPassw0rd@cache.example",
    "http://:s3cretPassw0rd@cache.example",  # a scheme it does not take
])
def test_a_password_in_a_malformed_url_never_reaches_the_message(value):
    with pytest.raises(ConfigError) as error:
        read(env.Url("T_REDIS", None, schemes=("redis",)), value)
    assert "s3cretPassw0rd" not in str(error.value) and ":***@cache.example" in str(error.value)


def test_an_empty_variable_never_hides_the_value_the_composite_hands_over(monkeypatch):
    from apps import sitewide

    monkeypatch.setenv("HIGHLIGHTER_URL", "")
    monkeypatch.setenv("SITE_NAV", " ")
    with sitewide.handing({"HIGHLIGHTER_URL": "/highlight", "SITE_NAV": [["Paste", "/"]]}):
        assert sitewide.service_url("highlighter") == "/highlight"
        assert sitewide.nav_links() != []
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://elsewhere:8001")
    with sitewide.handing({"HIGHLIGHTER_URL": "/highlight"}):
        assert sitewide.service_url("highlighter") == "http://elsewhere:8001"  # a real value still wins


def test_redis_url_is_declared_once_and_read_by_every_part_that_uses_redis():
    """One declaration, so its accepted schemes cannot drift apart between the three readers."""
    import composite.settings
    from apps.highlighter import settings as highlighter_settings

    importlib.import_module("config.settings")
    assert env.DECLARED["REDIS_URL"] == [env.REDIS_URL]
    assert env.REDIS_URL in highlighter_settings.SETTINGS and composite.settings.REDIS_URL is env.REDIS_URL
