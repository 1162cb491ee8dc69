"""``onsembl validate`` end to end, and the text-level Python API.

The command runs as ``python -m onsembl_spec validate`` in a subprocess whose
working directory is a fresh temporary directory, so nothing depends on being
run from the repository root.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from onsembl_spec import validate_text
from onsembl_spec.cli import validate as cli_validate

VECTOR_DIR = Path(__file__).resolve().parent / "vectors"
DOCUMENT_EXAMPLES: list[dict[str, Any]] = json.loads(
    (VECTOR_DIR / "document_examples.json").read_text(encoding="utf-8")
)
INVALID: list[dict[str, Any]] = json.loads(
    (VECTOR_DIR / "invalid.json").read_text(encoding="utf-8")
)

PING = '{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z"}'
UNKNOWN = '{"type":"agent:reboot","timestamp":"2024-01-01T12:00:00Z"}'
BAD_FIELD = (
    '{"type":"agent:status","agentId":"agent-123","status":"idle",'
    '"timestamp":"2024-01-01T12:00:00Z"}'
)


def run(
    cwd: Path, *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``onsembl validate ARGS`` with ``cwd`` as working directory."""
    result = subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "validate", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8", errors="replace"),
    )


def write_lines(path: Path, lines: list[str] | list[bytes]) -> Path:
    data = b"".join((x if isinstance(x, bytes) else x.encode("utf-8")) + b"\n" for x in lines)
    path.write_bytes(data)
    return path


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def strict_object(raw: bytes) -> bool:
    """Is this line a JSON object (strict RFC 8259 JSON in UTF-8)?"""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(value, dict)


# --------------------------------------------------------------------------
# Exit status and text output
# --------------------------------------------------------------------------


def test_valid_file_exits_0_with_ok_lines(tmp_path: Path) -> None:
    messages = [v["message"] for v in DOCUMENT_EXAMPLES]
    path = write_lines(tmp_path / "valid.jsonl", [json.dumps(m) for m in messages])
    result = run(tmp_path, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines == [f"line {n} ({m['type']}): ok" for n, m in enumerate(messages, 1)]


def test_relative_path_is_read_from_the_working_directory(tmp_path: Path) -> None:
    write_lines(tmp_path / "one.jsonl", [PING])
    result = run(tmp_path, "one.jsonl")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "line 1 (heartbeat:ping): ok\n"


def test_mixed_file_exits_1(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "mixed.jsonl", [PING, BAD_FIELD, "", PING, "[1, 2]", "nope"])
    result = run(tmp_path, str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5  # the blank line 3 is skipped
    assert lines[0] == "line 1 (heartbeat:ping): ok"
    assert lines[1].startswith("line 2 (agent:status): invalid: status: ")
    assert lines[2] == "line 4 (heartbeat:ping): ok"
    assert lines[3].startswith("line 5: invalid: ")
    assert lines[4].startswith("line 6: invalid: ")


def test_only_blank_lines_is_valid(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "blank.jsonl", ["", "   ", "\t"])
    result = run(tmp_path, str(path))
    assert result.returncode == 0
    assert result.stdout == ""


def test_empty_file_is_valid(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    result = run(tmp_path, "empty.jsonl")
    assert result.returncode == 0
    assert result.stdout == ""


def test_crlf_and_missing_final_newline(tmp_path: Path) -> None:
    (tmp_path / "crlf.jsonl").write_bytes(PING.encode() + b"\r\n" + PING.encode())
    result = run(tmp_path, "crlf.jsonl")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "line 1 (heartbeat:ping): ok",
        "line 2 (heartbeat:ping): ok",
    ]


# --------------------------------------------------------------------------
# --format json
# --------------------------------------------------------------------------

JSON_FORMAT_LINES: list[bytes] = [
    PING.encode(),
    b"",
    BAD_FIELD.encode(),
    UNKNOWN.encode(),
    b"   ",
    b"[1, 2, 3]",
    b'"heartbeat:ping"',
    b"null",
    b"42",
    b"not json at all",
    b'{"type": "heartbeat:ping", "timestamp": NaN}',
    b"\xff\xfe\xfd",
    b'{"timestamp":"2024-01-01T12:00:00Z"}',
    b'{"type": 7}',
    b'{"type":"batch","messages":['
    + PING.encode()
    + b',{"type":"batch","messages":['
    + PING.encode()
    + b'],"count":1,"timestamp":"2024-01-01T12:00:00Z"}],"count":2,'
    b'"timestamp":"2024-01-01T12:00:00Z"}',
]


def test_json_format_one_record_per_non_blank_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "all.jsonl", JSON_FORMAT_LINES)
    result = run(tmp_path, "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    non_blank = [(n, raw) for n, raw in enumerate(JSON_FORMAT_LINES, 1) if raw.strip()]
    assert [r["line"] for r in records] == [n for n, _ in non_blank]
    for record, (_, raw) in zip(records, non_blank, strict=True):
        assert set(record) == {"line", "valid", "type", "errors"}
        assert isinstance(record["errors"], list)
        assert record["valid"] is (record["errors"] == [])
        is_object = strict_object(raw)
        for error in record["errors"]:
            assert isinstance(error.get("message"), str) and error["message"]
            assert ("field" in error) is is_object, (raw, error)
            assert set(error) <= {"field", "message"}
        if is_object:
            value = json.loads(raw)
            expected_type = value["type"] if isinstance(value.get("type"), str) else None
        else:
            expected_type = None
        assert record["type"] == expected_type
    by_line = {r["line"]: r for r in records}
    assert by_line[1]["valid"] is True
    assert by_line[3]["errors"][0]["field"] == "status"
    assert by_line[4]["errors"][0]["field"] == "type"
    assert by_line[13]["errors"][0]["field"] == "type"  # missing type
    assert by_line[14]["errors"][0]["field"] == "type"  # type not a string
    assert by_line[14]["type"] is None
    assert by_line[15]["errors"][0]["field"] == "messages.1.type"  # batch in a batch
    assert all(not r["valid"] for r in records if r["line"] != 1)


def test_unknown_type_reports_field_type(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "unknown.jsonl", [UNKNOWN])
    result = run(tmp_path, "--format", "json", str(path))
    assert result.returncode == 1
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["valid"] is False
    assert record["type"] == "agent:reboot"
    assert record["errors"][0]["field"] == "type"


def test_every_invalid_vector_through_the_command(tmp_path: Path) -> None:
    """The command reports each invalid vector's expected field first (R14)."""
    path = write_lines(
        tmp_path / "invalid.jsonl", [json.dumps(v["message"], ensure_ascii=False) for v in INVALID]
    )
    result = run(tmp_path, "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(INVALID)
    for vector, record in zip(INVALID, records, strict=True):
        assert record["valid"] is False, vector["name"]
        assert record["errors"][0].get("field") == vector["field"], vector["name"]


# --------------------------------------------------------------------------
# stdin, usage errors
# --------------------------------------------------------------------------


def test_dash_reads_stdin(tmp_path: Path) -> None:
    result = run(tmp_path, "-", stdin=(PING + "\n").encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == "line 1 (heartbeat:ping): ok\n"


def test_dash_reads_stdin_json_mixed(tmp_path: Path) -> None:
    result = run(tmp_path, "--format", "json", "-", stdin=f"{PING}\n{UNKNOWN}\n".encode())
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["valid"] for r in records] == [True, False]


def _assert_usage_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "no-such-file.jsonl")
    _assert_usage_error(result)
    assert "no-such-file.jsonl" in result.stderr


def test_directory_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    _assert_usage_error(run(tmp_path, "adir"))


def test_bad_format_exits_2_with_one_line(tmp_path: Path) -> None:
    write_lines(tmp_path / "one.jsonl", [PING])
    result = run(tmp_path, "--format", "xml", "one.jsonl")
    _assert_usage_error(result)
    assert "--format" in result.stderr


def test_missing_argument_exits_2_with_one_line(tmp_path: Path) -> None:
    _assert_usage_error(run(tmp_path))


# --------------------------------------------------------------------------
# Hostile input: bad UTF-8, long lines, deep nesting, lone surrogates
# --------------------------------------------------------------------------


def test_invalid_utf8_line_is_reported_not_fatal(tmp_path: Path) -> None:
    bad = b'{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z","x":"\xc3\x28"}'
    path = write_lines(tmp_path / "utf8.jsonl", [PING.encode(), bad, b"\xff", PING.encode()])
    for fmt in ("text", "json"):
        result = run(tmp_path, "--format", fmt, str(path))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 4
        if fmt == "json":
            records = [json.loads(line) for line in lines]
            assert [r["valid"] for r in records] == [True, False, False, True]
            assert all("field" not in e for r in records[1:3] for e in r["errors"])
        else:
            assert lines[1].startswith("line 2: invalid: ")
            assert lines[2].startswith("line 3: invalid: ")
            assert lines[3] == "line 4 (heartbeat:ping): ok"


def test_read_lines_reports_an_over_long_line_and_goes_on() -> None:
    limit = 16
    ok = b'{"a":1}'
    data = b"x" * (limit + 5) + b"\n" + ok + b"\n" + b"y" * limit + b"\n" + b"z" * (limit + 1)
    lines = list(cli_validate.read_lines(io.BytesIO(data), limit=limit))
    assert lines == [(1, None), (2, ok), (3, b"y" * limit), (4, None)]


def test_read_lines_long_line_spanning_many_reads() -> None:
    limit = 8
    data = b"q" * (3 * 1024 * 1024) + b"\n" + b"ok\n"
    assert list(cli_validate.read_lines(io.BytesIO(data), limit=limit)) == [(1, None), (2, b"ok")]


def test_check_line_of_an_over_long_line() -> None:
    message, issues = cli_validate.check_line(None)
    assert message is None
    assert len(issues) == 1 and issues[0].field is None
    assert str(cli_validate.MAX_LINE_BYTES) in issues[0].message


@pytest.mark.slow
def test_line_over_16_mib_is_reported_and_the_next_line_validated(tmp_path: Path) -> None:
    assert cli_validate.MAX_LINE_BYTES == 16 * 1024 * 1024
    path = tmp_path / "long.jsonl"
    with path.open("wb") as out:
        out.write(b'{"type":"heartbeat:ping","x":"' + b"a" * cli_validate.MAX_LINE_BYTES + b'"}\n')
        out.write(PING.encode() + b"\n")
    result = run(tmp_path, "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["valid"]) for r in records] == [(1, False), (2, True)]
    assert records[0]["type"] is None
    assert "field" not in records[0]["errors"][0]


def test_deeply_nested_lines_do_not_crash_the_command(tmp_path: Path) -> None:
    """Nesting near the JSON parser's depth limit is reported, never a traceback."""
    lines = [b"[" * 100000, b'{"a":' * 100000]
    for depth in range(900, 1001):
        nested = b"[" * depth + b"]" * depth
        lines.append(b'{"type":"heartbeat:ping","timestamp":' + nested + b"}")
    lines.append(PING.encode())
    path = write_lines(tmp_path / "deep.jsonl", lines)
    result = run(tmp_path, "--format", "json", str(path))
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines)
    assert [r["valid"] for r in records] == [False] * (len(lines) - 1) + [True]


def test_lone_surrogate_escapes_do_not_crash_the_command(tmp_path: Path) -> None:
    r"""``\ud800`` is valid JSON syntax; the command must report it, not die encoding it."""
    lines = [
        '{"type":"\\ud800","timestamp":"2024-01-01T12:00:00Z"}',
        '{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z","\\udc00":1}',
        PING,
    ]
    path = write_lines(tmp_path / "surrogates.jsonl", lines)
    for fmt in ("text", "json"):
        result = run(tmp_path, "--format", fmt, str(path))
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert result.returncode == 1
        assert len(result.stdout.splitlines()) == 3


# --------------------------------------------------------------------------
# The Python API on text
# --------------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_validate_text_rejects_non_json_constants(constant: str) -> None:
    text = '{"type":"agent:status","agentId":"a","status":"online","metrics":{"cpuUsage":%s},'
    text += '"timestamp":"2024-01-01T12:00:00Z"}'
    message, issues = validate_text(text % constant)
    assert message is None
    assert len(issues) == 1 and issues[0].field is None


@pytest.mark.parametrize(
    "text",
    ["[" * 100000, "{" * 100000, '{"a":' * 100000, '{"type":' + "[" * 100000],
    ids=["arrays", "braces", "objects", "inside-type"],
)
def test_validate_text_deep_nesting_is_an_issue(text: str) -> None:
    message, issues = validate_text(text)
    assert message is None
    assert issues and issues[0].field is None


@pytest.mark.parametrize(
    "template",
    [
        '{{"type":"heartbeat:ping","timestamp":{nested}}}',
        '{{"type":{nested}}}',
        '{{"type":"batch","count":1,"timestamp":"2024-01-01T12:00:00Z","messages":[{nested}]}}',
    ],
    ids=["timestamp", "type", "batch-item"],
)
def test_validate_text_nesting_near_the_parser_limit_does_not_raise(template: str) -> None:
    """Every depth gives either a parse issue or a validation issue: never an exception."""
    for depth in range(800, 1001):
        nested = "[" * depth + "]" * depth
        _, issues = validate_text(template.format(nested=nested))
        assert issues, depth


def test_validate_text_valid_and_not_object() -> None:
    message, issues = validate_text(PING)
    assert issues == [] and message["type"] == "heartbeat:ping"
    message, issues = validate_text("[]")
    assert message == [] and issues[0].field is None
    message, issues = validate_text("")
    assert message is None and issues[0].field is None


# --------------------------------------------------------------------------
# Polish from real tries (issue 14, part 4)
# --------------------------------------------------------------------------

PRETTY_PING = json.dumps(json.loads(PING), indent=2)


def test_pretty_printed_json_says_the_input_must_be_json_lines(tmp_path: Path) -> None:
    """A pretty-printed message is one record naming its lines, not a line of noise each."""
    array = json.dumps([json.loads(PING), json.loads(PING)], indent=2)
    path = tmp_path / "pretty.json"
    path.write_text(f"{PRETTY_PING}\n{PING}\n{array}\n{{\n", encoding="utf-8")
    array_end = 5 + len(array.splitlines())
    result = run(tmp_path, str(path))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "lines 1-4 (heartbeat:ping): invalid: one JSON value over 4 lines: the input must be "
        "JSON Lines, one message per line (compact it with jq -c . FILE)",
        "line 5 (heartbeat:ping): ok",
        f"lines 6-{array_end}: invalid: a JSON array over {array_end - 5} lines: the input "
        "must be JSON Lines, one message per line, not an array (convert it with "
        "jq -c '.[]' FILE)",
        f"line {array_end + 1}: invalid: not JSON: this line opens a value it does not close; "
        "the input must be JSON Lines, one message per line",
    ]
    records = [
        json.loads(line)
        for line in run(tmp_path, "--format", "json", str(path)).stdout.splitlines()
    ]
    assert [(r["line"], r.get("last_line")) for r in records] == [
        (1, 4),
        (5, None),
        (6, array_end),
        (array_end + 1, None),
    ]
    assert records[0]["type"] == "heartbeat:ping"
    assert "JSON Lines" in records[0]["errors"][0]["message"]


def test_pretty_printed_message_with_a_defect_reports_it_too(tmp_path: Path) -> None:
    pretty = json.dumps(json.loads(BAD_FIELD), indent=2)
    (tmp_path / "bad.json").write_text(pretty + "\n", encoding="utf-8")
    (line,) = run(tmp_path, "bad.json").stdout.splitlines()
    assert line.startswith(f"lines 1-{len(pretty.splitlines())} (agent:status): invalid: ")
    assert "JSON Lines" in line and "status: must be one of" in line


def test_lines_that_never_close_a_value_are_reported_one_by_one(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "open.jsonl", ["[", '  "type": "x",', PING])
    lines = run(tmp_path, str(path)).stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 1", "line 2", "line 3 (heartbeat"]
    assert "opens a value it does not close" in lines[0]
    assert lines[2] == "line 3 (heartbeat:ping): ok"


def test_byte_order_mark_is_named(tmp_path: Path) -> None:
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + PING.encode() + b"\n" + PING.encode())
    result = run(tmp_path, "bom.jsonl")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "line 1: invalid: not JSON: a UTF-8 byte-order mark (BOM, bytes EF BB BF) before the value",
        "line 2 (heartbeat:ping): ok",
    ]


def test_pattern_failure_shows_the_pattern_allowed(tmp_path: Path) -> None:
    """The generated validators and the oracle word it alike (one function in the runtime)."""
    from onsembl_spec.oracle import oracle

    bad = json.loads(BAD_FIELD) | {"status": "online", "agentId": "agent 1"}
    expected = "must match the pattern ^[A-Za-z0-9._:-]{1,128}$"
    assert [(i.field, i.message) for i in oracle().validate(bad)] == [("agentId", expected)]
    path = write_lines(tmp_path / "pattern.jsonl", [json.dumps(bad)])
    assert (
        run(tmp_path, str(path)).stdout == f"line 1 (agent:status): invalid: agentId: {expected}\n"
    )


def test_quiet_prints_only_invalid_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "mixed.jsonl", [PING, BAD_FIELD, PING, UNKNOWN])
    for flag in ("--quiet", "-q"):
        result = run(tmp_path, flag, str(path))
        assert result.returncode == 1
        assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
            "line 2 (agent",
            "line 4 (agent",
        ]
    records = run(tmp_path, "--quiet", "--format", "json", str(path)).stdout.splitlines()
    assert [json.loads(r)["line"] for r in records] == [2, 4]
    only_valid = write_lines(tmp_path / "valid.jsonl", [PING, PING])
    result = run(tmp_path, "--quiet", str(only_valid))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_closed_stdout_exits_quietly(tmp_path: Path) -> None:
    """``onsembl validate FILE | head -1``: the reader leaving is not "cannot read FILE"."""
    path = write_lines(tmp_path / "many.jsonl", [PING] * 200_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "onsembl_spec", "validate", str(path)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"line 1 (heartbeat:ping): ok\n"
    process.stdout.close()  # as `head -1` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert stderr == ""


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    import signal

    process = subprocess.Popen(
        [sys.executable, "-m", "onsembl_spec", "validate", "-"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(PING.encode() + b"\n")
    process.stdin.flush()
    assert process.stdout.readline() == b"line 1 (heartbeat:ping): ok\n"  # reading on
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.decode() == "onsembl: interrupted\n"


def test_stale_validators_warn_in_one_line(tmp_path: Path) -> None:
    """A checkout whose schemas changed after ``onsembl generate``: the validators follow the
    old schemas, and ``validate`` says so on stderr (the results on stdout as usual)."""
    import shutil

    repo = Path(__file__).resolve().parents[1]
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(repo / "src" / "onsembl_spec", checkout / "src" / "onsembl_spec", ignore=ignore)
    shutil.copytree(repo / "schemas", checkout / "schemas")
    shutil.copy(repo / "pyproject.toml", checkout / "pyproject.toml")
    path = write_lines(tmp_path / "one.jsonl", [PING])
    command = [sys.executable, "-m", "onsembl_spec", "validate", str(path)]
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}

    def validate_in_checkout() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    current = validate_in_checkout()
    assert (current.returncode, current.stderr) == (0, "")
    schema = checkout / "schemas" / "messages" / "heartbeat-ping.json"
    schema.write_text(schema.read_text().replace("}", "} ", 1), encoding="utf-8")
    stale = validate_in_checkout()
    assert stale.returncode == 0
    assert stale.stdout == "line 1 (heartbeat:ping): ok\n"
    (warning,) = stale.stderr.splitlines()
    assert warning.startswith("onsembl: warning: the generated validators are stale: ")
    assert str(checkout / "schemas") in warning and "onsembl generate" in warning


def test_stale_validators_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    from onsembl_spec import validation

    assert validation.stale_validators() is None  # this checkout is generated
    monkeypatch.setattr(validation._generated, "SOURCE_SHA256", "0" * 64)
    assert "stale" in (validation.stale_validators() or "")
