"""Transcripts: every frame a check sent and received, with timing (issue item 5).

A transcript is what a failure report shows and what ``onsembl replay``
reads back. Tokens are stored as recipes (:mod:`onsembl_conformance.recipes`),
never as tokens.

Bounded against a hostile server (issue 9, part 3): a server that floods a
connection must not grow the checker's memory or disk. :class:`EventLog` keeps
the first :data:`HEAD_EVENTS` events and the last :data:`TAIL_EVENTS`, with at
most :data:`MAX_TRANSCRIPT_BYTES` of stored events (measured as the JSON they
are saved as), while the check runs, and counts what it dropped: a note event
in their place says how many events and bytes, and the saved file has
``dropped_events`` and ``dropped_bytes``. Each frame is stored up to
:attr:`Transcript.max_stored_text` characters (``size`` then gives its length).

Token redaction happens when an event is recorded: a JWT-shaped string is
stored as the recipe of the token when the kit minted it
(:meth:`Transcript.remember_token`, called by ``CheckContext.token``), as
``[JWT redacted]`` otherwise (:func:`onsembl_conformance.sanitize.redact_known`).
Frame text is otherwise stored faithfully, control characters included (JSON
escapes them); the reporters sanitise what they print.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import deque
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from onsembl_conformance.errors import TranscriptError
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.sanitize import redact, redact_known, redact_known_bytes

FORMAT = "onsembl-transcript/1"
"""Unchanged by the bounds: ``dropped_events``/``dropped_bytes`` are optional additions."""
MAX_SHOWN_TEXT = 600
"""Longest frame text shown in reports; transcripts keep frames whole up to MAX_STORED_TEXT."""
MAX_STORED_TEXT = 64 * 1024

HEAD_EVENTS = 200
"""A transcript keeps its first this many events (how the exchange began)..."""
TAIL_EVENTS = 800
"""...and its last this many (how it ended); the events between are counted and dropped."""
MAX_TRANSCRIPT_BYTES = 4 * 1024 * 1024
"""Most bytes of events one transcript keeps (the JSON they are saved as)."""
HEAD_BYTES = 1024 * 1024
"""The part of :data:`MAX_TRANSCRIPT_BYTES` the first events may take."""
EVENT_OVERHEAD = 32
"""Bytes added to each event's JSON for the indentation of the saved file."""

Event = dict[str, Any]


def event_size(event: Event) -> int:
    """The bytes ``event`` takes in a saved transcript (ASCII JSON, as :func:`save` writes)."""
    return len(json.dumps(event, ensure_ascii=True)) + EVENT_OVERHEAD


class EventLog(MutableSequence[Event]):
    """A transcript's events, bounded while they are recorded (issue 9, part 3).

    The first events go to the head until it holds :data:`HEAD_EVENTS` events or
    :data:`HEAD_BYTES`; every later event goes to the tail, which drops its
    oldest events beyond :data:`TAIL_EVENTS` or beyond the bytes left of
    :data:`MAX_TRANSCRIPT_BYTES`. Iterating gives the head, then (when events
    were dropped) one note saying how many, then the tail. Behaves as a list
    otherwise (the engine and the hypothesis bridge clear and rewrite it);
    :meth:`clear` also forgets the counts, a rewrite keeps them.
    """

    def __init__(
        self,
        events: Iterable[Event] = (),
        *,
        head_events: int = HEAD_EVENTS,
        tail_events: int = TAIL_EVENTS,
        max_bytes: int = MAX_TRANSCRIPT_BYTES,
        head_bytes: int = HEAD_BYTES,
    ) -> None:
        self.head_events = head_events
        self.tail_events = tail_events
        self.max_bytes = max_bytes
        self.head_bytes = min(head_bytes, max_bytes)
        self.dropped_events = 0
        """Events recorded and not kept."""
        self.dropped_bytes = 0
        """Their size (:func:`event_size`)."""
        self._head: list[Event] = []
        self._tail: deque[tuple[Event, int]] = deque()
        self._head_size = 0
        self._tail_size = 0
        self._head_open = True
        self.extend(events)

    @property
    def stored_bytes(self) -> int:
        """Bytes of the events kept (at most :data:`MAX_TRANSCRIPT_BYTES`, plus one event)."""
        return self._head_size + self._tail_size

    def append(self, event: Event) -> None:
        size = event_size(event)
        if (
            self._head_open
            and len(self._head) < self.head_events
            and self._head_size + size <= self.head_bytes
        ):
            self._head.append(event)
            self._head_size += size
            return
        self._head_open = False  # the head is the first events, without gaps
        self._tail.append((event, size))
        self._tail_size += size
        budget = self.max_bytes - self._head_size
        while len(self._tail) > 1 and (
            len(self._tail) > self.tail_events or self._tail_size > budget
        ):
            _, dropped = self._tail.popleft()
            self._tail_size -= dropped
            self.dropped_events += 1
            self.dropped_bytes += dropped

    def gap_note(self) -> Event | None:
        """The note that stands for the dropped events, or ``None`` when none was dropped."""
        if not self.dropped_events:
            return None
        after = self._tail[0][0].get("t", 0.0) if self._tail else 0.0
        return {
            "t": after,
            "conn": 0,
            "event": "note",
            "text": (
                f"... {self.dropped_events} events ({self.dropped_bytes} bytes) dropped here:"
                f" a transcript keeps its first {self.head_events} and last"
                f" {self.tail_events} events, at most {self.max_bytes} bytes (issue 9) ..."
            ),
            "dropped_events": self.dropped_events,
            "dropped_bytes": self.dropped_bytes,
        }

    def __iter__(self) -> Iterator[Event]:
        yield from self._head
        gap = self.gap_note()
        if gap is not None:
            yield gap
        for event, _ in self._tail:
            yield event

    def __len__(self) -> int:
        return len(self._head) + len(self._tail) + (1 if self.dropped_events else 0)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        return list(self)[index]

    @overload
    def __setitem__(self, index: int, value: Event) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[Event]) -> None: ...

    def __setitem__(self, index: int | slice, value: Any) -> None:
        events = list(self)
        events[index] = value
        self._rewrite(events)

    def __delitem__(self, index: int | slice) -> None:
        events = list(self)
        del events[index]
        self._rewrite(events)

    def insert(self, index: int, value: Event) -> None:
        events = list(self)
        events.insert(index, value)
        self._rewrite(events)

    def clear(self) -> None:
        """Start afresh: no events, nothing dropped."""
        self._rewrite([])
        self.dropped_events = self.dropped_bytes = 0

    def _rewrite(self, events: Iterable[Event]) -> None:
        """Record ``events`` again from empty, under the same bounds; counts accumulate
        (a gap note among ``events`` stays, as a note, where it was)."""
        events = list(events)
        self._head, self._tail = [], deque()
        self._head_size = self._tail_size = 0
        self._head_open = True
        for event in events:
            self.append(event)


@dataclass
class Transcript:
    """The events of one check run, in order. ``t`` is seconds since the check started."""

    check: str
    seed: int
    events: EventLog = field(default_factory=EventLog)
    started: float = field(default_factory=time.monotonic)
    max_stored_text: int = MAX_STORED_TEXT
    """Longest frame kept whole; a check that moves megabytes lowers it."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Every token the kit minted for this check -> what is stored instead (its recipe)."""

    def now(self) -> float:
        return round(time.monotonic() - self.started, 4)

    def remember_token(self, token: str, recipe: TokenRecipe) -> None:
        """``token`` was minted from ``recipe``: wherever it appears (a frame sent, a server
        echoing it), the transcript stores the recipe instead (issue 9, part 3)."""
        self.tokens[token] = recipe.placeholder()

    def redacted(self, text: str) -> str:
        """``text`` with every JWT-shaped string replaced by its recipe or ``[JWT redacted]``."""
        return redact_known(text, self.tokens)

    def record(self, conn: int, event: str, **data: Any) -> None:
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = self.redacted(value)
        self.events.append({"t": self.now(), "conn": conn, "event": event, **data})

    def record_frame(self, conn: int, direction: str, payload: str | bytes) -> None:
        """A data frame: text stored as text, binary as base64, both truncated when huge.

        Tokens are replaced before truncation, so a cut cannot leave part of one.
        """
        size = len(payload)
        if isinstance(payload, str):
            kind = "text"
            stored = self.redacted(payload)[: self.max_stored_text]
        else:
            kind = "binary"
            clear = redact_known_bytes(payload, self.tokens)[: self.max_stored_text]
            stored = base64.b64encode(clear).decode("ascii")
        entry: dict[str, Any] = {"kind": kind, "data": stored}
        if size > self.max_stored_text:
            entry["size"] = size
        self.events.append({"t": self.now(), "conn": conn, "event": direction, **entry})

    def note(self, text: str) -> None:
        self.record(0, "note", text=text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "check": self.check,
            "seed": self.seed,
            "events": list(self.events),
            "dropped_events": self.events.dropped_events,
            "dropped_bytes": self.events.dropped_bytes,
        }

    def lines(self, limit: int = 60) -> list[str]:
        """A human-readable rendering: the last ``limit`` events (the gap note included)."""
        events = list(self.events)
        shown = events[-limit:]
        out = [] if len(shown) == len(events) else [f"... {len(events) - limit} earlier events"]
        if self.events.dropped_events and len(shown) < len(events):
            out[0] += f" (and {self.events.dropped_events} dropped from the transcript)"
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
    # redacted last, so no JWT-shaped text reaches the file whatever a check stored
    # (the events themselves were redacted when recorded, known tokens as recipes).
    text = json.dumps(data, indent=1, ensure_ascii=True)
    path.write_text(redact(text) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> dict[str, Any]:
    """Read a transcript file; :class:`TranscriptError` when it is not one.

    Files written before the bounds (no ``dropped_events``) load the same.
    """
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
    for key in ("dropped_events", "dropped_bytes"):
        if key in data and (not isinstance(data[key], int) or data[key] < 0):
            raise TranscriptError(f"{path}: malformed {key!r}")
    return data
