"""Every exception the package raises, in one place.

Command-line entry points catch :class:`OnsemblError` and print its message
as one line; anything else escaping is a bug. Packages built on this one derive
their own from :class:`OnsemblError` (the conformance suite's verdicts and
troubles: ``onsembl_conformance.errors``).
"""

from __future__ import annotations


class OnsemblError(Exception):
    """Base class of the package's errors. ``str(err)`` is a one-line message."""


class UsageError(OnsemblError):
    """Bad command-line arguments or an unreadable input file (exit code 2)."""


class SchemaError(OnsemblError):
    """The schema files are missing, unreadable or inconsistent."""


class SpecError(OnsemblError):
    """``docs/spec.md`` cannot be read or its requirements are malformed."""


class ProfileError(OnsemblError):
    """A server profile (R16) is unreadable or has a wrong key or value."""


class WireError(OnsemblError):
    """A ``batch`` or ``compressed`` wrapper that does not decode (BATCH-1, COMP-2).

    ``field`` is the dotted path a ``validation:error`` names (``data``,
    ``compressedSize``, ``originalSize``, ``originalType``, ``data.type``, ``count``).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InflateLimitError(OnsemblError):
    """A ``compressed`` message inflates past the size limit (COMP-4: close 1009)."""


class ServerConfigError(OnsemblError):
    """The reference server cannot start: no JWT secret, a bad option, a busy port."""


class GeneratorError(OnsemblError):
    """``onsembl generate`` cannot compile the schemas (an unsupported keyword or shape)."""
