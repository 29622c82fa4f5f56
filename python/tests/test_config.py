"""Configuration against the contract's env table (schemas/contender-env.json): every row's
default, bounds and syntax, flags over environment, and the one-line error of docs/contenders.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contender import contract
from contender.config import Config, ConfigError, attribute_name, flag_name, parse
from contender.kafka.settings import read_settings_file

ROWS = contract.env_table()
INT_ROWS = [row for row in ROWS if row["type"] == "int"]
ENUM_ROWS = [row for row in ROWS if row["type"] == "enum"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # REPORT_DIR's default ("reports") is created relative to the working directory
    monkeypatch.chdir(tmp_path)


def error_of(environ: dict[str, str], args: list[str] | None = None) -> str:
    with pytest.raises(ConfigError) as raised:
        parse(environ, args or [])
    return str(raised.value)


def value_of(name: str, raw: str) -> Any:
    return getattr(parse({name: raw}, []), attribute_name(name))


def test_every_row_of_the_table_is_a_config_attribute() -> None:
    assert [attribute_name(row["name"]) for row in ROWS] == list(Config.__dataclass_fields__)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["name"])
def test_defaults_come_from_the_table(row: dict[str, Any]) -> None:
    config = parse({}, [])
    value = getattr(config, attribute_name(row["name"]))
    if row["type"] == "int":
        assert value == int(row["default"])
    elif row["type"] == "properties":
        assert value == {}
    elif row["type"] in ("dir", "file"):
        assert Path(value).exists()
    elif "default" in row:
        assert value == row["default"]


def test_derived_defaults() -> None:
    config = parse({}, [])
    assert config.contender == "python"
    assert config.kafka_topic == "upbit-ticker-python"
    assert config.producer_settings == contract.ROOT / "config" / "producer-settings.json"
    assert parse({"CONTENDER": "go"}, []).kafka_topic == "upbit-ticker-go"


@pytest.mark.parametrize("row", INT_ROWS, ids=lambda row: row["name"])
def test_integer_bounds_are_inclusive(row: dict[str, Any]) -> None:
    name, low, high = row["name"], row["min"], row["max"]
    assert value_of(name, str(low)) == low
    assert value_of(name, str(high)) == high
    for outside in (low - 1, high + 1):
        assert error_of({name: str(outside)}) == (
            f'{name} ({flag_name(name)}) = "{outside}": must be between {low} and {high}'
        )


@pytest.mark.parametrize("row", INT_ROWS, ids=lambda row: row["name"])
@pytest.mark.parametrize("raw", ["0x10", "1_0", "1e3", "1.5", "1.0", " 5", "5 ", "+5", "", "٥", "ten"])
def test_integers_are_plain_decimal_digits(row: dict[str, Any], raw: str) -> None:
    name = row["name"]
    # an empty environment variable counts as unset; as a flag it is a value, and a bad one
    assert (
        error_of({}, [f"{flag_name(name)}={raw}"])
        == f"{name} ({flag_name(name)}) = {json.dumps(raw, ensure_ascii=False)}: must be an integer"
    )
    if raw:
        assert error_of({name: raw}).endswith(": must be an integer")


def test_the_contract_example_line() -> None:
    assert error_of({"TEST_DURATION": "1e-9"}) == 'TEST_DURATION (--test-duration) = "1e-9": must be an integer'


@pytest.mark.parametrize("row", ENUM_ROWS, ids=lambda row: row["name"])
def test_enums_take_exactly_their_values(row: dict[str, Any]) -> None:
    name = row["name"]
    for value in row["values"]:
        assert value_of(name, value) == value
    assert error_of({name: "nope"}) == f'{name} ({flag_name(name)}) = "nope": must be one of {", ".join(row["values"])}'
    assert error_of({name: row["values"][0].upper() + "X"}).startswith(f"{name} ({flag_name(name)})")


def test_flags_win_over_the_environment_in_both_spellings() -> None:
    assert parse({"TEST_DURATION": "5"}, ["--test-duration", "7"]).test_duration == 7
    assert parse({"TEST_DURATION": "5"}, ["--test-duration=8"]).test_duration == 8
    assert parse({"TEST_DURATION": ""}, []).test_duration == 60  # empty env = unset


def test_unknown_and_incomplete_flags_are_errors() -> None:
    assert error_of({}, ["--test-durations", "5"]).startswith('unknown option "--test-durations"; options: --contender')
    assert error_of({}, ["stray"]).startswith('unknown option "stray"')
    assert error_of({}, ["--test-duration"]) == "TEST_DURATION (--test-duration): the option needs a value"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("127.0.0.1:9092", True),
        ("a:1,b:65535", True),
        ("[::1]:9092", True),
        ("broker:0", False),
        ("broker:65536", False),
        ("broker", False),
        ("a:1,", False),
        ("a b:1", False),
    ],
)
def test_hostports(raw: str, ok: bool) -> None:
    if ok:
        assert value_of("KAFKA_BOOTSTRAP_SERVERS", raw) == raw
    else:
        assert error_of({"KAFKA_BOOTSTRAP_SERVERS": raw}).endswith("with every port 1–65535")


def test_topics() -> None:
    assert value_of("KAFKA_TOPIC", "a.b_c-D9") == "a.b_c-D9"
    assert value_of("KAFKA_TOPIC", "x" * 249) == "x" * 249
    for bad in ("x" * 250, "a/b", "a b", ".", ".."):
        assert "must be a legal Kafka topic name" in error_of({"KAFKA_TOPIC": bad})


def test_properties() -> None:
    assert value_of("KAFKA_PROPERTIES", "linger.ms=5, acks = 1") == {"linger.ms": "5", "acks": "1"}
    assert value_of("KAFKA_PROPERTIES", "sasl.password=a=b") == {"sasl.password": "a=b"}
    assert error_of({"KAFKA_PROPERTIES": "linger.ms"}) == (
        'KAFKA_PROPERTIES (--kafka-properties) = "linger.ms": "linger.ms" is not key=value'
    )
    assert error_of({"KAFKA_PROPERTIES": "a=1,=2"}).endswith('"=2" is not key=value')
    # empty items are skipped, as on every contender
    assert value_of("KAFKA_PROPERTIES", "a=1,") == {"a": "1"}


def test_secrets_never_shown_in_an_error() -> None:
    error = error_of({"KAFKA_PROPERTIES": "sasl.password=S3cret,linger.ms"})
    assert "S3cret" not in error and "item 2 is not key=value" in error
    error = error_of({"KAFKA_PROPERTIES": "linger.ms,sasl.password=S3cret"})
    assert "S3cret" not in error and '"linger.ms" is not key=value' in error
    assert "group.id is a consumer property" in error_of({"KAFKA_PROPERTIES": "group.id=g"})
    error = error_of({"UPBIT_REST_URL": "ftp://user:S3cret@127.0.0.1"})
    assert "S3cret" not in error and "user" not in error and "[redacted]@127.0.0.1" in error


def test_urls() -> None:
    assert value_of("UPBIT_REST_URL", "http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert value_of("UPBIT_WS_URL", "wss://api.upbit.com/websocket/v1") == "wss://api.upbit.com/websocket/v1"
    assert (
        error_of({"UPBIT_REST_URL": "ws://x"}) == 'UPBIT_REST_URL (--upbit-rest-url) = "ws://x": must be an http(s) URL'
    )
    assert error_of({"UPBIT_WS_URL": "https://x"}).endswith(": must be a ws(s) URL")
    assert error_of({"UPBIT_WS_URL": "ws://x:99999"}).endswith(": must be a ws(s) URL")
    assert error_of({"UPBIT_REST_URL": "http://"}).endswith(": must be an http(s) URL")


def test_files_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert error_of({"PRODUCER_SETTINGS": str(missing)}) == (
        f'PRODUCER_SETTINGS (--producer-settings) = "{missing}": cannot be read'
    )


def test_the_report_dir_is_created_and_must_be_writable(tmp_path: Path) -> None:
    made = tmp_path / "a" / "b"
    assert parse({"REPORT_DIR": str(made)}, []).report_dir == made
    assert made.is_dir()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert error_of({"REPORT_DIR": str(blocker / "sub")}).startswith(
        f'REPORT_DIR (--report-dir) = "{blocker / "sub"}": must be a writable directory'
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"linger.ms": 10}', '"linger.ms" must be a string, not 10'),
        ('["a"]', "must hold one JSON object, not list"),
        ('{"a": "1"} {"b": "2"}', "must hold one JSON object (Extra data"),
        ("{", "must hold one JSON object (Expecting"),
    ],
)
def test_the_settings_file_is_one_object_of_strings(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        read_settings_file(path)
    assert str(raised.value).startswith(f'PRODUCER_SETTINGS (--producer-settings) = "{path}": {reason}')


def test_settings_comments_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"$comment": "anything", "acks": "all"}')
    assert read_settings_file(path) == {"acks": "all"}
    assert read_settings_file(contract.DEFAULT_PRODUCER_SETTINGS)["linger.ms"] == "10"
    # a comment is still one of the object's values, which are all strings (as in every contender)
    path.write_text('{"$comment": ["anything"], "acks": "all"}')
    with pytest.raises(ConfigError, match=r'"\$comment" must be a string'):
        read_settings_file(path)


def test_help_is_asked_before_any_double_dash_and_lists_every_row() -> None:
    from contender import contract
    from contender.config import usage, wants_help

    assert wants_help(["--help"]) and wants_help(["--test-duration", "5", "-h"])
    assert not wants_help(["--", "--help"]) and not wants_help([])
    text = usage()
    for row in contract.env_table():
        assert f"--{row['name'].lower().replace('_', '-')} ({row['name']})" in text
