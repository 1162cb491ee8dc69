"""A ``--token-command`` for the tests: an identity provider in one file (issue 10).

``python token_command.py KEY.pem ALG [MODE [AUD ISS]]`` prints one JWT for
``$ONSEMBL_TOKEN_SUB`` living ``$ONSEMBL_TOKEN_TTL`` seconds, signed with the
private key, with the audience and issuer when given. ``MODE`` makes it misbehave
the ways a real command can:
``fail`` (exit 3 with a message on stderr), ``slow`` (sleep 30 s), ``flood``
(print 1 MiB), ``two`` (two tokens), ``garbage`` (not a JWT), ``other-sub``
(a token for another subject), ``long-lived`` (a day, whatever was asked),
``whole-seconds`` (``exp`` rounded down to a whole second, as many providers do).
Every run appends one line to ``$TOKEN_COMMAND_LOG`` when set.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization


def main(argv: list[str]) -> int:
    key_path, algorithm = argv[0], argv[1]
    mode = argv[2] if len(argv) > 2 else "ok"
    extra = {"aud": argv[3], "iss": argv[4]} if len(argv) > 4 else {}
    sub = os.environ["ONSEMBL_TOKEN_SUB"]
    ttl = float(os.environ["ONSEMBL_TOKEN_TTL"])
    log = os.environ.get("TOKEN_COMMAND_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{sub} {ttl}\n")
    if mode == "fail":
        print("identity provider: invalid_client", file=sys.stderr)
        return 3
    if mode == "slow":
        time.sleep(30)
    if mode == "flood":
        sys.stdout.write("x" * (1 << 20))
        return 0
    if mode == "garbage":
        print("this is not a token")
        return 0
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    now = time.time()
    exp = now + ttl
    if mode == "other-sub":
        sub = "someone-else"
    if mode == "long-lived":
        exp = now + 86400
    if mode == "whole-seconds":
        exp = float(int(exp))
    claims = {"sub": sub, "iat": int(now), "exp": exp, **extra}
    token = jwt.encode(claims, key, algorithm=algorithm)  # type: ignore[arg-type]
    print(token)
    if mode == "two":
        print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
