"""``onsembl validate [--format text|json] [--quiet] FILE``: check a JSON Lines file of messages.

Each non-blank line is one message, validated with format checking on (VAL-1).
A JSON value spread over several lines (pretty-printed JSON) is one invalid
record naming its lines: the input must be JSON Lines. Exit status: 0 when
every message is valid, 1 when any is not, 2 for a usage error or an unreadable
file, 130 when interrupted. In a checkout whose schemas changed since
``onsembl generate``, a warning says the validators are stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from onsembl_spec.errors import UsageError
from onsembl_spec.validation import Issue, parse_json, stale_validators, validate, validate_text

NAME = "validate"
HELP = "validate messages, one JSON object per line (JSON Lines); '-' reads stdin"
ORDER = 10  # place in `onsembl --help`

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest line read into memory; a longer one is reported invalid and skipped. A JSON
value spread over several lines is gathered up to this many bytes too."""

JSON_LINES = "the input must be JSON Lines, one message per line"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="JSON Lines file, or '-' for stdin")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the invalid lines (the exit status is the same)",
    )


def read_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, bytes)``; ``None`` for a line longer than ``limit``.

    Memory stays bounded by ``limit`` whatever the input.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1024 * 1024)
            yield number, None
            continue
        yield number, line.rstrip(b"\r\n")


def check_line(raw: bytes | None) -> tuple[Any, list[Issue]]:
    """Validate one line's bytes: ``(message or None, issues)``."""
    if raw is None:
        return None, [Issue(None, f"line longer than {MAX_LINE_BYTES} bytes")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Issue(None, f"not valid UTF-8 (byte {err.start})")]
    message, issues = validate_text(text)
    if issues and message is None and opens_value(text):
        unfinished = f"not JSON: this line opens a value it does not close; {JSON_LINES}"
        issues = [Issue(None, unfinished)]
    return message, issues


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def depth_change(text: str) -> int:
    """How many more arrays and objects ``text`` opens than it closes (strings ignored)."""
    bare = _STRING.sub("", text)
    return bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")


def opens_value(text: str) -> bool:
    """Is this line the first line of pretty-printed JSON: a lone ``{`` or ``[``?"""
    return text.strip() in ("{", "[")


@dataclass
class Record:
    """One reported item: a line, or the lines ``first`` to ``last`` of one JSON value."""

    first: int
    last: int
    message: Any
    issues: list[Issue]


def _single(number: int, raw: bytes | None) -> Record:
    message, issues = check_line(raw)
    return Record(number, number, message, issues)


def _spanning(first: int, last: int, text: str) -> Record | None:
    """The record of a JSON value over lines ``first``..``last``; ``None`` if not JSON."""
    try:
        value = parse_json(text)
    except ValueError:
        return None
    count = last - first + 1
    if isinstance(value, list):
        issue = Issue(
            None,
            f"a JSON array over {count} lines: {JSON_LINES}, not an array "
            "(convert it with jq -c '.[]' FILE)",
        )
        return Record(first, last, None, [issue])
    issue = Issue(
        None, f"one JSON value over {count} lines: {JSON_LINES} (compact it with jq -c . FILE)"
    )
    return Record(first, last, value, [issue, *validate(value)])


def records(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[Record]:
    """The records of a JSON Lines stream: one per non-blank line; a lone ``{`` or ``[``
    starts a value gathered over the following lines (at most ``limit`` bytes) until its
    brackets balance, reported as one record (pretty-printed JSON). Lines of a value that
    never ends, or is not JSON once gathered, are reported one by one."""
    group: list[tuple[int, bytes]] = []
    depth = size = 0
    for number, raw in read_lines(stream, limit):
        if group:
            text = _decoded(raw)
            size += len(raw) + 1 if raw is not None else limit
            if raw is not None and text is not None and size <= limit:
                group.append((number, raw))
                depth += depth_change(text)
                if depth > 0:
                    continue
                joined = "\n".join(line.decode("utf-8") for _, line in group)
                found = _spanning(group[0][0], number, joined)
                if found is not None:
                    yield found
                else:
                    yield from (_single(n, line) for n, line in group)
                group = []
                continue
            yield from (_single(n, line) for n, line in group)
            group = []
        if raw is not None and not raw.strip():
            continue
        text = _decoded(raw)
        if raw is not None and text is not None and opens_value(text):
            group, depth, size = [(number, raw)], 1, len(raw) + 1
            continue
        yield _single(number, raw)
    yield from (_single(n, line) for n, line in group)


def _decoded(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _open(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None


def _line_label(record: Record) -> str:
    if record.first == record.last:
        return f"line {record.first}"
    return f"lines {record.first}-{record.last}"


def run(args: argparse.Namespace) -> int:
    stream = _open(args.file)
    warning = stale_validators()
    if warning is not None:
        print(f"onsembl: warning: {warning}", file=sys.stderr)
    all_valid = True
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        # A message may hold lone surrogate escapes ("\\ud800"): valid JSON that
        # UTF-8 cannot encode. Report them escaped rather than crash.
        out.reconfigure(errors="backslashreplace")
    try:
        for record in records(stream):
            issues = record.issues
            all_valid = all_valid and not issues
            if args.quiet and not issues:
                continue
            message = record.message
            message_type = message.get("type") if isinstance(message, dict) else None
            if not isinstance(message_type, str):
                message_type = None
            if args.format == "json":
                line: dict[str, Any] = {"line": record.first}
                if record.last != record.first:
                    line["last_line"] = record.last
                line |= {
                    "valid": not issues,
                    "type": message_type,
                    "errors": [issue.as_dict() for issue in issues],
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            else:
                label = f" ({message_type})" if message_type else ""
                if issues:
                    details = "; ".join(
                        f"{issue.field}: {issue.message}" if issue.field else issue.message
                        for issue in issues
                    )
                    out.write(f"{_line_label(record)}{label}: invalid: {details}\n")
                else:
                    out.write(f"{_line_label(record)}{label}: ok\n")
    except BrokenPipeError:
        raise  # stdout closed (`| head`): the caller leaves quietly
    except OSError as err:
        raise UsageError(f"cannot read {args.file}: {err.strerror or err}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return 0 if all_valid else 1
