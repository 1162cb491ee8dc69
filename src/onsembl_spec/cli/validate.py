"""``onsembl validate [--format text|json] FILE``: check a JSON Lines file of messages.

Each non-blank line is one message, validated with format checking on (VAL-1).
Exit status: 0 when every message is valid, 1 when any is not, 2 for a usage
error or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from onsembl_spec.errors import UsageError
from onsembl_spec.validation import Issue, validate_text

NAME = "validate"
HELP = "validate messages, one JSON object per line (JSON Lines); '-' reads stdin"
ORDER = 10  # place in `onsembl --help`

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest line read into memory; a longer one is reported invalid and skipped."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="JSON Lines file, or '-' for stdin")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
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
    return validate_text(text)


def _open(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None


def run(args: argparse.Namespace) -> int:
    stream = _open(args.file)
    all_valid = True
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        # A message may hold lone surrogate escapes ("\\ud800"): valid JSON that
        # UTF-8 cannot encode. Report them escaped rather than crash.
        out.reconfigure(errors="backslashreplace")
    try:
        for number, raw in read_lines(stream):
            if raw is not None and not raw.strip():
                continue
            message, issues = check_line(raw)
            all_valid = all_valid and not issues
            message_type = message.get("type") if isinstance(message, dict) else None
            if not isinstance(message_type, str):
                message_type = None
            if args.format == "json":
                record = {
                    "line": number,
                    "valid": not issues,
                    "type": message_type,
                    "errors": [issue.as_dict() for issue in issues],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                label = f" ({message_type})" if message_type else ""
                if issues:
                    details = "; ".join(
                        f"{issue.field}: {issue.message}" if issue.field else issue.message
                        for issue in issues
                    )
                    out.write(f"line {number}{label}: invalid: {details}\n")
                else:
                    out.write(f"line {number}{label}: ok\n")
    except OSError as err:
        raise UsageError(f"cannot read {args.file}: {err.strerror or err}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return 0 if all_valid else 1
