"""How the kit opens every connection to a server: TLS trust, extra handshake headers, Origin
(issue 10, part 2).

One :class:`ConnectionSettings` per run (``SuiteConfig.connection``) is used by
every connection the kit opens: the preflight, :meth:`CheckContext.connect`
(its raw-socket path for CLOSE-7 included), the permessage-deflate check's
connections and ``onsembl replay``.

* **TLS** applies to ``wss://`` URLs only (a private server the suite starts in
  bundled mode is ``ws://`` and stays plain). ``ca_file`` adds a CA to the
  system's trust store (it does not replace it); ``insecure`` turns certificate
  verification off, which every report says (:meth:`ConnectionSettings.warnings`).
* **Headers** (``--header 'Name: value'``, repeatable) go on every handshake.
  The kit controls some headers itself and refuses them (:data:`FORBIDDEN`):
  the handshake's own (``Host``, ``Connection``, ``Upgrade``, ``Sec-WebSocket-*``),
  HTTP framing, ``Authorization`` (the kit's bearer token, AUTH-1) and ``Origin``
  (``--origin``). ``Cookie`` is allowed and merged into the kit's own ``token``
  cookie (AUTH-1, AUTH-9), except a cookie named ``token``. ``User-Agent`` replaces
  the kit's. Values may be secrets: only names are ever shown
  (:meth:`ConnectionSettings.described`).
* **Origin** (``--origin URL``) is the ``Origin`` of every handshake, except
  those of checks that set their own (AUTH-9, AUTH-10: a foreign origin, an
  allowed one, or none: :data:`NO_ORIGIN`).
"""

from __future__ import annotations

import re
import shlex
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from onsembl_conformance.sanitize import clean
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile

NO_ORIGIN: Final = ""
"""The ``origin`` a check passes for a handshake without ``Origin`` whatever ``--origin``
says (AUTH-10: a cookie token without ``Origin``)."""

KIT_USER_AGENT = "onsembl-conformance"

REDACTED_VALUE = "[redacted]"

FORBIDDEN: Final[dict[str, str]] = {
    "host": "the kit sends the URL's host",
    "connection": "the WebSocket handshake sets it",
    "upgrade": "the WebSocket handshake sets it",
    "content-length": "a handshake has no body",
    "transfer-encoding": "a handshake has no body",
    "te": "a hop-by-hop header the handshake does not use",
    "trailer": "a hop-by-hop header the handshake does not use",
    "keep-alive": "a hop-by-hop header the handshake does not use",
    "proxy-connection": "a hop-by-hop header the handshake does not use",
    "authorization": "the kit sends its own bearer token in it (AUTH-1)",
    "origin": "use --origin URL",
}
"""Headers ``--header`` may not set (lower-case name -> why); any ``Sec-WebSocket-*`` too."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP field name (RFC 9110 ``token``)."""
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""What a field value may not hold: control characters other than tab (no CR/LF injection)."""
_ORIGIN = re.compile(r"^(https?)://([^/?#@\s]+)$")


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` as ``(Name, value)``; :class:`UsageError` (exit 2) when the syntax is
    bad or the kit controls the header (:data:`FORBIDDEN`). The value is never echoed."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon:  # the whole text may be a value: never echoed
        raise UsageError("--header: expected 'Name: value' (no ':' in it)")
    if not name:
        raise UsageError("--header: expected 'Name: value' (no name before the ':')")
    if not _TOKEN.fullmatch(name):
        raise UsageError(
            f"--header: {_shown_name(name)!r} is not a header name (letters, digits and "
            "!#$%&'*+.^_`|~- only)"
        )
    value = value.strip(" \t")
    if _BAD_VALUE.search(value):
        raise UsageError(f"--header {name}: the value holds a control character or line break")
    lower = name.lower()
    why = FORBIDDEN.get(lower)
    if why is None and lower.startswith("sec-websocket-"):
        why = "the WebSocket handshake sets it"
    if why is not None:
        raise UsageError(f"--header {name}: the kit controls this header ({why})")
    if lower == "cookie":
        for pair in value.split(";"):
            if pair.partition("=")[0].strip() == "token":
                raise UsageError(
                    "--header Cookie: a cookie named 'token' is the kit's own token cookie (AUTH-1)"
                )
    return name, value


def _shown_name(name: str) -> str:
    """A name safe to echo: short and printable (it may be a mistyped value)."""
    shown = re.sub(r"[^\x20-\x7e]", "?", name)
    return shown if len(shown) <= 40 else shown[:40] + "..."


def parse_origin(text: str) -> str:
    """``--origin``'s value: a serialized origin (``https://host[:port]``, RFC 6454), or
    :class:`UsageError`."""
    origin = text.strip()
    if origin.endswith("/"):
        origin = origin[:-1]
    if not _ORIGIN.match(origin):
        raise UsageError(
            f"--origin {_shown_name(text)!r}: expected an origin such as "
            "https://dashboard.example (scheme and host, optional port, no path)"
        )
    return origin


@dataclass
class ConnectionSettings:
    """TLS trust, extra headers and Origin of every connection of a run (module docstring).

    Build it with :func:`connection_settings` (which checks the values); the default is
    the system's trust store, no extra header, no ``Origin``.
    """

    ca_file: Path | None = None
    """A PEM file of CA certificates trusted in addition to the system's (``--ca-file``)."""
    insecure: bool = False
    """No certificate verification at all (``--insecure``)."""
    headers: tuple[tuple[str, str], ...] = ()
    """``--header`` values, in order (names may repeat)."""
    origin: str | None = None
    """``--origin``: the ``Origin`` of every handshake a check does not give its own."""
    _tls: ssl.SSLContext | None = field(default=None, init=False, repr=False, compare=False)

    # -- TLS -----------------------------------------------------------------------

    def tls_context(self) -> ssl.SSLContext:
        """The client TLS context (made once): the system's CAs plus ``ca_file``, or no
        verification with ``insecure``. :class:`UsageError` when ``ca_file`` is unreadable
        or holds no certificate."""
        if self._tls is None:
            if self.insecure:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            else:
                context = ssl.create_default_context()
                if self.ca_file is not None:
                    try:
                        context.load_verify_locations(cafile=str(self.ca_file))
                    except FileNotFoundError:
                        raise UsageError(f"--ca-file {self.ca_file}: no such file") from None
                    except ssl.SSLError:  # before OSError, its base class
                        raise UsageError(
                            f"--ca-file {self.ca_file}: no PEM certificate in it"
                        ) from None
                    except OSError as err:
                        raise UsageError(
                            f"--ca-file {self.ca_file}: cannot read it ({err.strerror or err})"
                        ) from None
            self._tls = context
        return self._tls

    def tls_for(self, url: str) -> ssl.SSLContext | None:
        """The TLS context for ``url``: :meth:`tls_context` for ``wss://``, ``None`` for
        ``ws://`` (plain, whatever the flags: a private server in bundled mode)."""
        return self.tls_context() if url.startswith("wss://") else None

    def check_fit(self, url: str | None, profile: Profile, *, server_command: bool) -> None:
        """:class:`UsageError` (exit 2) when the settings cannot apply to the target:
        ``--ca-file``/``--insecure`` with a ``ws://`` URL, or with the bundled server (plain;
        a ``--server-command`` may serve ``wss://``); an ``--origin`` the profile does not
        allow, with which the server must ignore every cookie token (AUTH-9), so the cookie
        checks could not pass."""
        tls_flag = "--ca-file" if self.ca_file is not None else "--insecure"
        if self.ca_file is not None or self.insecure:
            if url is not None and url.startswith("ws://"):
                raise UsageError(
                    f"{tls_flag} is for wss:// URLs; {clean(url)!r} is plain ws:// "
                    "(did you mean wss://?)"
                )
            if url is None and not server_command:
                raise UsageError(
                    f"{tls_flag} is for wss:// URLs; the bundled server serves plain ws://"
                )
        if self.origin is not None and self.origin not in profile.allowed_origins:
            allowed = ", ".join(profile.allowed_origins) or "none"
            raise UsageError(
                f"--origin {self.origin} is not in the profile's allowed_origins ({allowed}): "
                "the server would ignore the token cookie of every check that uses one "
                "(AUTH-9); add it to allowed_origins in --profile"
            )

    # -- handshake -----------------------------------------------------------------

    def user_agent(self) -> str:
        """The ``User-Agent``: the last ``--header User-Agent``, else the kit's."""
        given = [v for n, v in self.headers if n.lower() == "user-agent"]
        return given[-1] if given else KIT_USER_AGENT

    def handshake_headers(self, kit: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The kit's own headers of one handshake (``Authorization``, a ``Cookie``) plus
        ``--header``'s: cookies merged into one ``Cookie`` header (the kit's first),
        ``User-Agent`` left to :meth:`user_agent`."""
        cookies = [v for n, v in kit if n.lower() == "cookie"]
        out = [(n, v) for n, v in kit if n.lower() != "cookie"]
        for name, value in self.headers:
            lower = name.lower()
            if lower == "cookie":
                cookies.append(value)
            elif lower != "user-agent":
                out.append((name, value))
        if cookies:
            out.append(("Cookie", "; ".join(c for c in cookies if c)))
        return out

    def origin_for(self, origin: str | None) -> str | None:
        """The ``Origin`` of a handshake whose check asked for ``origin``: its own when it
        gave one, none for :data:`NO_ORIGIN`, else ``--origin`` (or none)."""
        if origin == NO_ORIGIN:
            return None
        return origin if origin is not None else self.origin

    def connect_options(
        self,
        url: str,
        *,
        headers: list[tuple[str, str]] | None = None,
        origin: str | None = None,
    ) -> dict[str, Any]:
        """Keyword arguments of ``websockets``' ``connect`` for one handshake to ``url``:
        headers (:meth:`handshake_headers`), ``User-Agent``, ``Origin`` (:meth:`origin_for`)
        and, for ``wss://``, the TLS context and the server name."""
        from websockets.datastructures import Headers
        from websockets.typing import Origin

        chosen = self.origin_for(origin)
        options: dict[str, Any] = {
            "additional_headers": Headers(self.handshake_headers(list(headers or []))),
            "user_agent_header": self.user_agent(),
            "origin": Origin(chosen) if chosen is not None else None,
        }
        context = self.tls_for(url)
        if context is not None:
            options["ssl"] = context
            options["server_hostname"] = urlsplit(url).hostname
        return options

    # -- reports -------------------------------------------------------------------

    def redacted_headers(self) -> list[str]:
        """``--header``s as ``Name: [redacted]``: values may be secrets (gateway keys)."""
        return [f"{name}: {REDACTED_VALUE}" for name, _ in self.headers]

    def warnings(self) -> list[str]:
        """What every report must say loudly about these settings."""
        if self.insecure:
            return [
                "--insecure: the server's TLS certificate was NOT verified; this run does "
                "not show that clients can trust the server"
            ]
        return []

    def described(self) -> dict[str, object]:
        """The settings for reports and transcripts: header names only, never values."""
        return {
            "ca_file": str(self.ca_file) if self.ca_file is not None else None,
            "insecure": self.insecure,
            "origin": self.origin,
            "headers": self.redacted_headers(),
        }

    def replay_arguments(self) -> tuple[list[str], list[str]]:
        """``onsembl replay`` arguments that reproduce these settings, and notes for what
        cannot be printed (header values): ``(arguments, notes)``."""
        args: list[str] = []
        if self.ca_file is not None:
            args += ["--ca-file", str(self.ca_file)]
        if self.insecure:
            args.append("--insecure")
        if self.origin is not None:
            args += ["--origin", self.origin]
        notes: list[str] = []
        if self.headers:
            names = list(dict.fromkeys(name for name, _ in self.headers))
            notes.append("repeat your --header flags (" + ", ".join(names) + ")")
        return args, notes


def connection_settings(
    *,
    ca_file: str | None = None,
    insecure: bool = False,
    headers: list[str] | None = None,
    origin: str | None = None,
) -> ConnectionSettings:
    """Checked settings from command-line values; :class:`UsageError` (exit 2) with one line
    for bad syntax, a header the kit controls, both ``ca_file`` and ``insecure``, or a CA
    file that is not readable PEM."""
    if ca_file is not None and insecure:
        raise UsageError("--ca-file and --insecure contradict each other: give one")
    settings = ConnectionSettings(
        ca_file=Path(ca_file) if ca_file is not None else None,
        insecure=insecure,
        headers=tuple(parse_header(h) for h in headers or ()),
        origin=parse_origin(origin) if origin is not None else None,
    )
    if ca_file is not None:
        settings.tls_context()
    return settings


@dataclass(frozen=True)
class ReplayHint:
    """The ``onsembl replay`` command printed under a saved failure in URL mode: it replays
    against the same server with the same connection flags (issue 10). Secrets are never in
    it: the JWT secret comes from ``$ONSEMBL_JWT_SECRET``, header values are named only."""

    url: str
    arguments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def command(self, transcript: Path | str) -> str:
        """The command line for ``transcript``, then the notes in parentheses."""
        line = "onsembl replay " + shlex.join([str(transcript), self.url, *self.arguments])
        if self.notes:
            line += " (" + "; ".join(self.notes) + ")"
        return line
