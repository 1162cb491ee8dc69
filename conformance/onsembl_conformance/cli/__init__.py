"""The conformance suite's ``onsembl`` subcommands: ``check`` and ``replay``.

Each module has the interface of :mod:`onsembl_spec.cli` (``NAME``, ``HELP``,
``add_arguments``, ``run``; ``EPILOG`` and ``ORDER`` optional) and is registered in
the entry-point group ``onsembl_spec.commands`` (``pyproject.toml``), so the base
package finds it without importing this one. ``_connection_options`` and
``_token_options`` are the flags both share.
"""

from __future__ import annotations
