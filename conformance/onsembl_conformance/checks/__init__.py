"""The checks, one module per area of ``docs/spec.md``; importing this registers them all."""

from __future__ import annotations

from onsembl_conformance.checks import (  # noqa: F401  (imported to register)
    auth,
    backlog,
    batch,
    close,
    commands,
    compressed,
    heartbeat,
    ident,
    presence,
    properties,
    queue_bytes,
    rate,
    refresh,
    roles,
    slow_consumer,
    stateful,
    tenancy,
    terminal,
    transport,
    validation,
)
