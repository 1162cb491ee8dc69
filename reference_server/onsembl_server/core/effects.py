"""What the core asks the I/O layer to do: send texts, forward messages and close connections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class Effects(Protocol):
    """The I/O layer's side of the core (implemented by ``onsembl_server.app``)."""

    def send(self, conn_id: int, text: str) -> None:
        """Queue one text frame for one connection."""

    def send_many(self, conn_ids: Iterable[int], text: str) -> None:
        """Queue the same text frame for several connections (serialized once)."""

    def forward(self, conn_ids: Iterable[int], text: str, message_type: str) -> None:
        """Queue a forwarded message (MSG-13) of ``message_type`` for several connections.

        Sent plain unless the profile's ``output`` turns batching or
        compression on (TERM-5); then the I/O layer may group it in ``batch``
        or wrap it in ``compressed`` (TERM-3).
        """

    def close(self, conn_id: int, code: int, reason: str) -> None:
        """Close one connection with a close frame (CLOSE-6)."""


@dataclass
class RecordingEffects:
    """An :class:`Effects` that records everything, for unit tests."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    closed: list[tuple[int, int, str]] = field(default_factory=list)

    def send(self, conn_id: int, text: str) -> None:
        self.sent.append((conn_id, text))

    def send_many(self, conn_ids: Iterable[int], text: str) -> None:
        for conn_id in conn_ids:
            self.sent.append((conn_id, text))

    def forward(self, conn_ids: Iterable[int], text: str, message_type: str) -> None:
        self.send_many(conn_ids, text)

    def close(self, conn_id: int, code: int, reason: str) -> None:
        self.closed.append((conn_id, code, reason))
