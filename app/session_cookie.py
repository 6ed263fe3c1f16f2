"""The signed session cookie, as Flask signs it, with the signing work done once per process.

Flask builds a new serializer (and its signer derives its HMAC key again) for every read and
every write of the cookie, that is twice a request. Here the serializer is kept while the
secret key and its fallbacks stay the same, and each signer's derived key is kept per key: the
cookie, its signature, salt and expiry are exactly Flask's.

A browser sends the same cookie with request after request until an answer sets a new one, and
each time Flask decodes it, checks its signature and parses its JSON again. Here the cookies
this process found valid are kept (the last few hundred, with their signing time, for
as long as the keys stay the same): a cookie seen before is only checked for its age, and its
session is a fresh copy of what it held. Any other cookie is read as Flask reads it."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

from app.session_json import PlainFirstJSONSerializer

# A handful of entries: one per secret key (the current one and its fallbacks) and salt.
_derived_keys: dict[tuple[bytes, bytes, str, Any], bytes] = {}
# Signed values a serializer keeps, with their signing time and what they hold.
KEPT_VALUES = 256


class KeptKeySigner(TimestampSigner):
    """A timestamp signer whose derived key is worked out once per secret key and salt."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        kept = (secret, self.salt, self.key_derivation, self.digest_method)
        derived = _derived_keys.get(kept)
        if derived is None:
            derived = super().derive_key(secret)
            if len(_derived_keys) > 64:  # keys rotated many times in one process: start over
                _derived_keys.clear()
            _derived_keys[kept] = derived
        return derived


class KeptValuesSerializer(URLSafeTimedSerializer):
    """A timed serializer that keeps the values it found valid, as they were read: one seen
    again is checked for its age only, and what it holds is given as a fresh copy. Its keys and
    salt are fixed, so a value valid once stays valid until it is too old. Anything else (bytes,
    another salt, a value not kept, a kept one too old or from the future) is read as
    itsdangerous reads it. What it signs is not kept: the JSON's round trip can change a value
    (a datetime's microseconds, a number as a key)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._values: dict[str, tuple[int, Any]] = {}

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> Any:
        if return_timestamp or salt is not None or not isinstance(s, str):
            return super().loads(s, max_age, return_timestamp, salt)
        kept = self._values.get(s)
        if kept is not None:
            signed_at, payload = kept
            age = int(time.time()) - signed_at
            if age >= 0 and (max_age is None or age <= max_age):
                return _copied(payload)
            self._values.pop(s, None)
        payload, signed = super().loads(s, max_age, return_timestamp=True)
        self._keep(s, int(signed.timestamp()), payload)
        return payload

    def _keep(self, value: str, signed_at: int, payload: Any) -> None:
        values = self._values
        if len(values) >= KEPT_VALUES:
            # The oldest kept; another thread of a threaded worker may have taken it first.
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del values[next(iter(values))]
        values[value] = (signed_at, _copied(payload))


def _copied(value: Any) -> Any:
    """A copy of a loaded payload that shares nothing mutable with it (a session's flash notes
    are a list that the next request appends to)."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    if kind is tuple:
        return tuple(_copied(item) for item in value)
    return value


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    serializer = PlainFirstJSONSerializer()

    def __init__(self) -> None:
        self._kept: tuple[tuple[Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = KeptValuesSerializer(
            list(keys),  # the current key last, as itsdangerous expects
            salt=self.salt,
            serializer=self.serializer,
            signer=KeptKeySigner,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
        self._kept = (keys, serializer)
        return serializer
