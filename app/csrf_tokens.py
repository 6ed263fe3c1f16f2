"""Flask-WTF's CSRF check of every form post, with its signing work done once per process.

Flask-WTF builds a new serializer (and its signer derives the HMAC key again) to check each
post's token, and then, when the view builds its form, signs a new token for the page, which a
post that is answered with a redirect never shows. Here the check is Flask-WTF's own, step for
step and with its messages, through a serializer kept while the secret key stays the same; and
once a post's token passed, it is the request's token (`g.csrf_token`, as `generate_csrf` keeps
it): a page answering the post shows the token it came with. That token is as good as a new one,
since both sign the same session secret and tokens never expire here (WTF_CSRF_TIME_LIMIT is
None); with a time limit set, a fresh one is signed as before. A token checked once is kept
with its signing time (`KeptValuesSerializer`): the next post with it is checked for its age
only, as a customer posts one form's token again and again."""

from __future__ import annotations

import functools
import hmac
import logging
from typing import Any

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, same_origin
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from wtforms import ValidationError

from app.session_cookie import KeptKeySigner, KeptValuesSerializer

logger = logging.getLogger("flask_wtf.csrf")

SALT = "wtf-csrf-token"  # Flask-WTF's
# Flask-WTF's referrer test parses both addresses at every post; its answer depends on the two
# strings only, and a site's pages and hosts are few. A long address is not kept.
_kept_same_origin = functools.lru_cache(maxsize=256)(same_origin)
_KEPT_ADDRESS_LENGTH = 512


def _same_origin(referrer: str, host_uri: str) -> bool:
    if len(referrer) > _KEPT_ADDRESS_LENGTH:
        return bool(same_origin(referrer, host_uri))
    return bool(_kept_same_origin(referrer, host_uri))


class KeptSerializerCSRFProtect(CSRFProtect):
    def __init__(self, app: Any = None) -> None:
        self._kept: tuple[Any, URLSafeTimedSerializer] | None = None
        super().__init__(app)

    def protect(self, apply_exemptions: bool = False) -> None:
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        config = current_app.config
        if request.method not in config["WTF_CSRF_METHODS"]:
            return
        token = self._get_csrf_token()
        try:
            self._validate(token)
        except ValidationError as error:
            logger.info(error.args[0])
            self._error_response(error.args[0])
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not _same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True  # as Flask-WTF marks it: the forms do not check again
        if config["WTF_CSRF_TIME_LIMIT"] is None:
            setattr(g, config["WTF_CSRF_FIELD_NAME"], token)

    def _validate(self, token: str | None) -> None:
        """Flask-WTF's `validate_csrf` for this request's token, with the app's settings."""
        config = current_app.config
        field = config["WTF_CSRF_FIELD_NAME"]
        if not token:
            raise ValidationError("The CSRF token is missing.")
        if field not in session:
            raise ValidationError("The CSRF session token is missing.")
        try:
            signed = self._serializer().loads(token, max_age=config["WTF_CSRF_TIME_LIMIT"])
        except SignatureExpired as error:
            raise ValidationError("The CSRF token has expired.") from error
        except BadData as error:
            raise ValidationError("The CSRF token is invalid.") from error
        if not hmac.compare_digest(session[field], signed):
            raise ValidationError("The CSRF tokens do not match.")

    def _serializer(self) -> URLSafeTimedSerializer:
        secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        if not secret:
            raise RuntimeError("A secret key is required to use CSRF.")
        kept = self._kept
        if kept is None or kept[0] != secret:
            kept = self._kept = (secret, KeptValuesSerializer(secret, salt=SALT, signer=KeptKeySigner))
        return kept[1]
