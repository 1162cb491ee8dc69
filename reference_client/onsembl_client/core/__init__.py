"""The reference client's sans-I/O core: every protocol decision, driven by ``now`` values.

- :mod:`.phases`: the connection state diagram as a table (``TRANSITIONS``).
- :mod:`.backoff`: the reconnection schedule (CLIENT-9) and its reset.
- :mod:`.buffer`: the bounded send buffer and its drop order (CLIENT-11).
- :mod:`.outgoing`: checking messages before they are sent (CLIENT-4) and the
  client's own messages (identification, pong, ping, refresh, disconnect).
- :mod:`.incoming`: reading server frames, ``batch`` and ``compressed`` unwrapped
  in order (CLIENT-7, TERM-4), invalid ones reported, never fatal (CLIENT-13).
- :mod:`.effects`: what the core asks of its I/O layer, and a recording double.
- :mod:`.session`: :class:`ClientCore`, one client over its successive connections.

Nothing here touches a socket or a clock; the asyncio layer is
:mod:`onsembl_client.client`.
"""

from __future__ import annotations

from onsembl_client.core.effects import Effects, RecordingEffects
from onsembl_client.core.phases import Phase, Trigger
from onsembl_client.core.session import ClientCore, Delivery

__all__ = ["ClientCore", "Delivery", "Effects", "Phase", "RecordingEffects", "Trigger"]
