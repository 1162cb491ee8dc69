"""The bounded send buffer (CLIENT-11, CLIENT-12).

Messages produced while the client has no identified connection, or during a
rate-limit pause, are kept here in the order they were produced and sent,
all of them, before anything newer, once it can send again. The buffer holds at
most ``send_buffer.messages`` messages and ``send_buffer.bytes`` bytes of JSON;
past either bound :func:`drop_choice` picks what goes: the oldest
``terminal:output`` first, a ``command:status`` or ``command:complete`` only
when no output is left, and (*decision*, the spec names only those) any other
message, oldest first, only when neither is left. A message alone over the byte
bound is dropped itself by the same rule.

Each message keeps the text it was given when produced, ``timestamp`` included.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

FIRST_DROPPED = ("terminal:output",)
"""CLIENT-11: dropped first, oldest first."""

THEN_DROPPED = ("command:status", "command:complete")
"""CLIENT-11: dropped only when no :data:`FIRST_DROPPED` message is left."""


@dataclass(frozen=True)
class Kept:
    """One message waiting to be sent: its type, its JSON text and the text's UTF-8 length."""

    message_type: str
    text: str
    size: int


def drop_choice(kept: Sequence[Kept]) -> int:
    """CLIENT-11: the index of the message to drop from a buffer over a bound.

    The oldest ``terminal:output``; else the oldest ``command:status`` or
    ``command:complete``; else the oldest message (``kept`` is not empty).
    """
    for group in (FIRST_DROPPED, THEN_DROPPED):
        for index, item in enumerate(kept):
            if item.message_type in group:
                return index
    return 0


class SendBuffer:
    """Messages kept while the client cannot send, within both bounds (CLIENT-11)."""

    def __init__(self, max_messages: int, max_bytes: int) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._kept: deque[Kept] = deque()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._kept)

    def over(self) -> bool:
        """Past either bound."""
        return len(self._kept) > self.max_messages or self.bytes > self.max_bytes

    def keep(self, message_type: str, text: str) -> list[Kept]:
        """Keep one message (the newest); return those dropped to stay within the bounds."""
        item = Kept(message_type, text, len(text.encode("utf-8")))
        self._kept.append(item)
        self.bytes += item.size
        dropped: list[Kept] = []
        while self._kept and self.over():
            index = drop_choice(self._kept)
            victim = self._kept[index]
            del self._kept[index]
            self.bytes -= victim.size
            dropped.append(victim)
        return dropped

    def take_all(self) -> list[Kept]:
        """Every kept message, oldest first; the buffer is empty afterwards."""
        kept = list(self._kept)
        self._kept.clear()
        self.bytes = 0
        return kept

    def peek(self) -> list[Kept]:
        """Every kept message, oldest first (for tests and status displays)."""
        return list(self._kept)


__all__ = ["FIRST_DROPPED", "THEN_DROPPED", "Kept", "SendBuffer", "drop_choice"]
