"""Ballot card secrets: a long token (in the QR) and a short typed code, both one-use.

Only keyed hashes (HMAC with a key derived from the server's secret key) are stored, so a
copy of the database alone cannot be turned back into usable cards. The receipt is derived
from the card the same way, whichever of its two secrets the holder typed or scanned.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import socket
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

#: Unambiguous alphabet for anything a person types or reads aloud: no 0/O, no 1/I.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
RECEIPT_LENGTH = 10
TOKEN_BYTES = 24
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


@dataclass(frozen=True)
class CardSecrets:
    token: str
    code: str


def new_card_secrets() -> CardSecrets:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return CardSecrets(token=token, code=code)


def format_code(code: str) -> str:
    """``ABCDE23456`` → ``ABCDE-23456`` for printing."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(text: str) -> str | None:
    """A typed short code in any case, with spaces or dashes → its canonical form, or None."""
    cleaned = re.sub(r"[\s\-_]", "", text).upper()
    return cleaned if _CODE_RE.match(cleaned) else None


def secret_hash(secret: str) -> str:
    return salted_hmac("pingyi.appraisal.card", secret, algorithm="sha256").hexdigest()


def hashes_for_presented(secret: str) -> tuple[str, str]:
    """Which stored column a presented secret matches: ("code", hash) or ("token", hash)."""
    code = normalise_code(secret)
    if code is not None and len(secret.strip()) <= CODE_LENGTH + 2:
        return "code", secret_hash(code)
    return "token", secret_hash(secret.strip())


def receipt_for(token_hash: str) -> str:
    digest = salted_hmac("pingyi.appraisal.receipt", token_hash, algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def same_digest(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(hashlib.sha256(a).digest(), hashlib.sha256(b).digest())


def ballot_url(token: str, public_url: str | None = None) -> str:
    """The address a card's QR holds: ``{public_url}/b/#{token}`` (``PINGYI_PUBLIC_URL`` by
    default). The token is in the fragment (after ``#``), which browsers never send, so it
    reaches neither the server's nor a proxy's logs."""
    base = settings.PUBLIC_URL if public_url is None else public_url
    return f"{base.rstrip('/')}/b/#{token}"


def command_line_public_url(given: str | None = None) -> tuple[str, bool]:
    """The address phones open, for cards made on the command line: ``given``, else
    ``PINGYI_PUBLIC_URL``, else a guess from this machine's name and port. The flag says
    whether it was guessed (the caller should warn)."""
    url = (given or settings.PUBLIC_URL or "").rstrip("/")
    if url:
        return url, False
    return f"http://{socket.gethostname()}:{os.environ.get('PINGYI_PORT', 8000)}", True
