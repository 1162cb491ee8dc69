"""Every exception the package raises, in one place.

Command-line entry points catch :class:`OnsemblError` and print its message
as one line; anything else escaping is a bug.
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
