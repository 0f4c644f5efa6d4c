"""Ballot card secrets: a long token (in the QR) and a short typed code, both one-use.

Only keyed hashes (HMAC with a key derived from the server's secret key) are stored, so a
copy of the database alone cannot be turned back into usable cards. The receipt is derived
from the card the same way, whichever of its two secrets the holder typed or scanned.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from pingyi.core.server import DEFAULT_PORT, serve_defaults

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


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return None


def _hall_address() -> str:
    """This machine's address on its network (the interface of its default route; no packet
    is sent), else its host name."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


def command_line_public_url(given: str | None = None) -> tuple[str, str | None]:
    """The address phones open, for cards issued on the command line (``pingyi cards``,
    ``pingyi tokens``), and the warning to print when nobody chose it.

    ``given`` (``--public-url``), else ``PINGYI_PUBLIC_URL``, else where ``pingyi serve``
    answers with the same environment: its default host and port (``PINGYI_HOST``,
    ``PINGYI_PORT``, else 127.0.0.1:8000; a wildcard host is this machine's address). A
    loopback address serves no phone, and the warning says so."""
    url = (given or settings.PUBLIC_URL or "").rstrip("/")
    if url:
        return url, None
    host, port_text = serve_defaults()
    port = int(port_text) if port_text.strip().isdigit() else DEFAULT_PORT
    address = _ip(host)
    if not host.strip() or (address is not None and address.is_unspecified):
        host = _hall_address()  # serve listens on every interface: the hall's one
        address = _ip(host)
    if address is None:
        loopback = host.strip().lower() == "localhost"
        host = host.strip()
    else:
        loopback = address.is_loopback
        host = f"[{address}]" if address.version == 6 else str(address)
    url = f"http://{host}:{port}"
    if loopback:
        warning = gettext(
            "no PINGYI_PUBLIC_URL or --public-url: the cards point at %(url)s, where `pingyi "
            "serve` answers by default, but only this computer can open that address. Set "
            "PINGYI_PUBLIC_URL to the address phones in the hall open (and serve on it, e.g. "
            "pingyi serve --host 0.0.0.0)."
        )
    else:
        warning = gettext(
            "no PINGYI_PUBLIC_URL or --public-url: the cards point at %(url)s, where `pingyi "
            "serve` answers; check that phones in the hall can open it."
        )
    return url, warning % {"url": url}
