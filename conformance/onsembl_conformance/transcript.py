"""Transcripts: every frame a check sent and received, with timing (issue item 5).

A transcript is what a failure report shows and what ``onsembl replay``
reads back. Tokens are stored as recipes (:mod:`onsembl_conformance.recipes`),
never as tokens.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onsembl_conformance.sanitize import redact
from onsembl_spec.errors import TranscriptError

FORMAT = "onsembl-transcript/1"
MAX_SHOWN_TEXT = 600
"""Longest frame text shown in reports; transcripts keep frames whole up to MAX_STORED_TEXT."""
MAX_STORED_TEXT = 64 * 1024


@dataclass
class Transcript:
    """The events of one check run, in order. ``t`` is seconds since the check started."""

    check: str
    seed: int
    events: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    max_stored_text: int = MAX_STORED_TEXT
    """Longest frame kept whole; a check that moves megabytes lowers it."""

    def now(self) -> float:
        return round(time.monotonic() - self.started, 4)

    def record(self, conn: int, event: str, **data: Any) -> None:
        self.events.append({"t": self.now(), "conn": conn, "event": event, **data})

    def record_frame(self, conn: int, direction: str, payload: str | bytes) -> None:
        """A data frame: text stored as text, binary as base64, both truncated when huge."""
        if isinstance(payload, str):
            text = payload
            kind = "text"
            truncated = len(text) > self.max_stored_text
            stored = text[: self.max_stored_text]
        else:
            kind = "binary"
            truncated = len(payload) > self.max_stored_text
            stored = base64.b64encode(payload[: self.max_stored_text]).decode("ascii")
        entry: dict[str, Any] = {"kind": kind, "data": stored}
        if truncated:
            entry["size"] = len(payload)
        self.record(conn, direction, **entry)

    def note(self, text: str) -> None:
        self.record(0, "note", text=text)

    def as_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "check": self.check, "seed": self.seed, "events": self.events}

    def lines(self, limit: int = 60) -> list[str]:
        """A human-readable rendering: the last ``limit`` events."""
        shown = self.events[-limit:]
        out = (
            []
            if len(shown) == len(self.events)
            else [f"... {len(self.events) - limit} earlier events"]
        )
        for e in shown:
            out.append(render_event(e))
        return out


def render_event(e: dict[str, Any]) -> str:
    arrow = {"send": "->", "recv": "<-", "open": "==", "close": "xx", "note": "  "}.get(
        str(e.get("event")), "  "
    )
    head = f"{e.get('t', 0):8.3f}s #{e.get('conn', 0)} {arrow}"
    event = e.get("event")
    if event in ("send", "recv"):
        data = str(e.get("data", ""))
        if len(data) > MAX_SHOWN_TEXT:
            data = data[:MAX_SHOWN_TEXT] + f"... ({e.get('size', len(data))} chars)"
        prefix = "" if e.get("kind") == "text" else f"[{e.get('kind')}] "
        return f"{head} {prefix}{data}"
    if event == "open":
        return f"{head} connect {e.get('detail', '')}"
    if event == "close":
        return f"{head} closed {e.get('detail', '')}"
    return f"{head} {e.get('text', '')}"


def save(transcript: Transcript, directory: Path, extra: dict[str, Any]) -> Path:
    """Write ``transcript`` (with ``extra``: failure, requirements, profile) under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", transcript.check)
    path = directory / f"{safe}-{transcript.seed}.json"
    data = {**transcript.as_dict(), **extra}
    # ASCII-only JSON: a lone surrogate a server smuggled in cannot break the write;
    # redacted last, so no JWT-shaped text reaches the file whatever a check stored.
    path.write_text(redact(json.dumps(data, indent=1, ensure_ascii=True)) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> dict[str, Any]:
    """Read a transcript file; :class:`TranscriptError` when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise TranscriptError(f"cannot read {path}: {err.strerror or err}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TranscriptError(f"{path} is not a JSON transcript") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TranscriptError(f"{path} is not an onsembl transcript ({FORMAT})")
    for key, kind in (("check", str), ("seed", int), ("events", list)):
        if not isinstance(data.get(key), kind):
            raise TranscriptError(f"{path}: missing or malformed {key!r}")
    return data
