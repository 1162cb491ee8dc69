"""``onsembl check-client``: the kit plays the server and checks a client (issue 13).

- :mod:`~onsembl_conformance.clientcheck.scripted`: the scripted server of one check, a
  ``websockets`` server on loopback; every client frame recorded and validated on arrival
  (CLIENT-4), tokens checked at the handshake (CLIENT-1, CLIENT-10), identification timed
  (CLIENT-2, CLIENT-3), pings, ``dashboard:connect`` and refreshes answered as a server would.
- :mod:`~onsembl_conformance.clientcheck.launcher`: the client under test: a command the
  kit starts per check with the environment of ``docs/check-client.md`` (``--command``, the
  bundled reference client), or a client started by hand (``--listen``).
- :mod:`~onsembl_conformance.clientcheck.context`: what a client check gets
  (:class:`~onsembl_conformance.clientcheck.context.ClientCheckContext`).
- :mod:`~onsembl_conformance.clientcheck.checks`: the checks, one module per area.
- :mod:`~onsembl_conformance.clientcheck.runner`: selection per role, the engine, replay.
"""

from __future__ import annotations
