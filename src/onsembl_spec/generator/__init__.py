"""``onsembl generate``: every artifact users consume, generated from ``schemas/``.

One module per artifact; :func:`generate_all` returns the text of every
generated file by its path relative to the repository root. Output is
deterministic (sorted, no timestamps); each file starts with a header naming
the sha256 of its sources (:mod:`onsembl_spec.generator.source`).
:func:`files_under` adds the files kept current besides
(:mod:`onsembl_spec.generator.hooks`): ``docs/diff.md``'s rule table and
files other packages contribute, such as ``docs/coverage.md``.
"""

from __future__ import annotations

from onsembl_spec.generator.artifacts import files_under, generate_all, header_lines

__all__ = ["files_under", "generate_all", "header_lines"]
