"""Channel secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from
``SECRET_KEY`` by HKDF-SHA256. A webhook's token and a robot's signing secret are stored
only as these tokens; a database copy without ``SECRET_KEY`` reveals neither. Changing
``SECRET_KEY`` makes them unreadable: the delivery says so and the office adds the channel
again (docs/notifications.md)."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that this SECRET_KEY cannot decrypt."""


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"pingyi-notifications",
        info=b"channel secrets v1",
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(text: str) -> str:
    if not text:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretUnreadable(
            "the channel's secret cannot be decrypted: was SECRET_KEY changed?"
        ) from None
