"""The reference client's exceptions (one module), all :class:`OnsemblError`.

``str(err)`` is one line, so the ``onsembl`` commands print it as it is.
"""

from __future__ import annotations

from onsembl_spec.errors import OnsemblError


class ClientError(OnsemblError):
    """A mistake in using the client: a bad URL, role, agent id or token provider."""


class InvalidMessageError(ClientError):
    """A message :meth:`Client.send` refuses before it reaches the wire (CLIENT-4).

    ``field`` is the dotted path of the offending field (R14), ``None`` when the
    message as a whole is wrong (not an object, too long, a type the role may not send).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ClientClosedError(ClientError):
    """The client was closed: it sends nothing more."""
