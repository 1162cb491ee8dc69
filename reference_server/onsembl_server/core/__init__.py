"""The sans-I/O core of the reference server.

Sessions, routing, command queues, rate limiters and timers as plain objects:
every method takes the current monotonic time ``now`` and reports what to
send or close through an :class:`~onsembl_server.core.effects.Effects`
object, so unit tests drive it without sockets or sleeping.
"""

from __future__ import annotations

from onsembl_server.core.effects import Effects, RecordingEffects
from onsembl_server.core.server import ServerCore

__all__ = ["Effects", "RecordingEffects", "ServerCore"]
