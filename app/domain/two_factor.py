"""Two-step sign-in rules: time-based codes (RFC 6238, 30-second steps, one step of clock drift
either way, never the same step twice) and one-time recovery codes.

pyotp is imported where a code is made or checked: most processes never do either, and a web
worker forked from a master that had imported it would hold it whether or not anyone signs in
with two steps."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

ISSUER = "Tierdesk"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    """A random base32 secret of 160 bits, as authenticator apps expect."""
    import pyotp

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to when it is right for now (allowing one step of drift)
    and newer than the last accepted one; None otherwise."""
    digits = "".join(code.split())
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        return None
    import pyotp

    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), digits):
            return step if last_step is None or step > last_step else None
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like 'k7dm-x3qa-p9tw' (about 70 bits each)."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODES)
    ]


def recovery_hash(code: str) -> str:
    """The stored form of a recovery code, whatever its case, spaces or dashes as typed."""
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len("".join(ch for ch in code if ch.isalnum())) == 12
