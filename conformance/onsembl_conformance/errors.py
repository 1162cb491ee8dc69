"""The conformance suite's exceptions: a check's verdicts and the suite's own troubles.

They derive from :class:`onsembl_spec.errors.OnsemblError` (``TranscriptError`` from
:class:`~onsembl_spec.errors.UsageError`), so the ``onsembl`` command turns any of them
escaping a subcommand into one line; the base package never imports this module.
"""

from __future__ import annotations

from onsembl_spec.errors import OnsemblError, UsageError


class SuiteError(OnsemblError):
    """The conformance suite cannot run: unreachable URL, server that does not start (exit 2)."""


class CheckFailure(OnsemblError):
    """A conformance check saw a server break requirement ``requirement_id``.

    ``expected`` and ``actual`` are one-line descriptions for the report.
    """

    def __init__(self, requirement_id: str, expected: str, actual: str) -> None:
        super().__init__(f"{requirement_id}: expected {expected}; got {actual}")
        self.requirement_id = requirement_id
        self.expected = expected
        self.actual = actual


class CheckSkipped(OnsemblError):
    """A conformance check cannot apply to this server or run (``str(err)`` says why)."""


class TokenUnavailable(CheckSkipped):
    """The kit cannot honestly make a token a check needs with the credentials it was given
    (issue 10): a token command cannot forge an expired or malformed-but-signed token, an
    HS256 secret has no public key. The check is skipped with ``str(err)`` as the reason,
    and the report counts the requirements this left unchecked."""


class TokenCommandError(OnsemblError):
    """``--token-command`` failed to print a token (it exited non-zero, took too long,
    printed too much or something that is not one JWT): the environment's trouble, never
    the server's. In the preflight it ends the run (exit 2); during a check the check ends
    in an ``error`` of kind ``token-command``."""


class CheckInconclusive(OnsemblError):
    """A check could not reach a verdict for a reason that is not the server breaking its
    requirement: the server's global quota is spent by other traffic, the run's time
    ran out, the server answered one example differently on a re-run.

    The engine reports it with status ``error`` (never ``failed``); ``str(err)`` says why.
    """


class TranscriptError(UsageError):
    """A transcript file for ``onsembl replay`` is unreadable or malformed."""


class ExampleDiscarded(OnsemblError):
    """A property example took a path its model does not follow (e.g. a rate-limit refusal)."""
