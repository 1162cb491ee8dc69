"""``onsembl generate``: every artifact users consume, generated from ``schemas/``.

One module per artifact; :func:`generate_all` returns the text of every
generated file by its path relative to the repository root. Output is
deterministic (sorted, no timestamps); each file starts with a header naming
the sha256 of its sources (:mod:`onsembl_spec.generator.source`).
"""

from __future__ import annotations

from onsembl_spec.generator.artifacts import generate_all, header_lines

__all__ = ["generate_all", "header_lines"]
