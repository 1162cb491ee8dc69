"""The Onsembl conformance suite: checks any server URL against ``docs/spec.md``."""

from __future__ import annotations
