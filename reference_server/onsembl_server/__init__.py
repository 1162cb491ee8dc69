"""The Onsembl reference server: a sans-I/O protocol core and a thin asyncio layer.

Implements every server requirement of ``docs/spec.md``.
"""

from __future__ import annotations
