"""The client checks, one module per area of ``docs/spec.md`` section 19 (and MSG-9,
TERM-4, HB-5, REFRESH-8); importing this registers them all
(:func:`onsembl_conformance.registry.client_check`)."""

from __future__ import annotations

from onsembl_conformance.clientcheck.checks import (  # noqa: F401  (imported to register)
    buffering,
    commands,
    heartbeat,
    identify,
    messages,
    rate,
    reconnect,
    refresh,
    robustness,
    wrappers,
)
