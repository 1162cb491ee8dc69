"""What the client core asks of its I/O layer (the asyncio one, or a test's recorder).

Every call returns at once; results come back as calls on the core
(``opened``, ``failed``, ``receive``, ``closed``, ``token_ready``, ``token_failed``),
with the connection or ticket number the core gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from onsembl_client.events import ClientEvent


class Effects(Protocol):
    def open(self, connection: int, token: str) -> None:
        """Open connection number ``connection``, presenting ``token`` (CLIENT-1)."""

    def send(self, connection: int, text: str) -> None:
        """Send ``text`` on ``connection``, after everything sent on it before."""

    def close(self, connection: int, code: int, reason: str) -> None:
        """Close ``connection`` with ``code`` (after what was sent before); the core has
        already given it up and ignores what the layer reports about it afterwards."""

    def request_token(self, ticket: int, purpose: str) -> None:
        """Ask the token provider for the current token (``purpose``: connect or refresh)."""

    def event(self, event: ClientEvent) -> None:
        """Tell the application (``async for event in client``)."""


@dataclass
class RecordingEffects:
    """Effects for unit tests: everything asked, in order, in :attr:`log`."""

    log: list[tuple[str, ...]] = field(default_factory=list)
    events: list[ClientEvent] = field(default_factory=list)

    def open(self, connection: int, token: str) -> None:
        self.log.append(("open", str(connection), token))

    def send(self, connection: int, text: str) -> None:
        self.log.append(("send", str(connection), text))

    def close(self, connection: int, code: int, reason: str) -> None:
        self.log.append(("close", str(connection), str(code), reason))

    def request_token(self, ticket: int, purpose: str) -> None:
        self.log.append(("token", str(ticket), purpose))

    def event(self, event: ClientEvent) -> None:
        self.events.append(event)

    def take(self) -> list[tuple[str, ...]]:
        """The log so far, emptied."""
        taken, self.log = self.log, []
        return taken

    def sent(self) -> list[str]:
        """The texts sent so far (all connections), without emptying the log."""
        return [entry[2] for entry in self.log if entry[0] == "send"]


__all__ = ["Effects", "RecordingEffects"]
