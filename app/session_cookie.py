"""The signed session cookie, as Flask signs it, with the signing work done once per process.

Flask builds a new serializer (and its signer derives its HMAC key again) for every read and
every write of the cookie, that is twice a request. Here the serializer is kept while the
secret key and its fallbacks stay the same, and each signer's derived key is kept per key: the
cookie, its signature, salt and expiry are exactly Flask's."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

# A handful of entries: one per secret key (the current one and its fallbacks) and salt.
_derived_keys: dict[tuple[bytes, bytes, str, Any], bytes] = {}


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


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[tuple[Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = URLSafeTimedSerializer(
            list(keys),  # the current key last, as itsdangerous expects
            salt=self.salt,
            serializer=self.serializer,
            signer=KeptKeySigner,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
        self._kept = (keys, serializer)
        return serializer
