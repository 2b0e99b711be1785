"""The enterprise's bank account, encrypted with SM4 (GB/T 32907) in GCM mode, from ``cryptography``.

Stored as ``sm4gcm:`` + base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag): a raw read of the table
shows only that. The key (``settings.SM4_KEY``, 32 hex digits) comes from the environment in
production and is generated into ``var/`` for the demo. Pages, the API and exports only ever show
:func:`mask_account`; the plain number is never written to a log or an audit event.
"""

from __future__ import annotations

import base64
import os
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PREFIX = "sm4gcm:"
_NONCE = 12
_TAG = 16
_DIGITS = re.compile(r"^\d{8,30}$")


def _key() -> bytes:
    key = bytes.fromhex(settings.SM4_KEY)
    if len(key) != 16:
        raise ValueError("SM4_KEY must be 32 hex digits (128 bits).")
    return key


def normalise_account(value: str) -> str:
    """The account number without spaces or dashes; ValueError when it is not 8–30 digits."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not _DIGITS.match(digits):
        raise ValueError("bank account must be 8 to 30 digits")
    return digits


def encrypt(plain: str) -> str:
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("not an SM4 ciphertext")
    raw = base64.b64decode(stored[len(PREFIX) :])
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def mask_account(plain: str) -> str:
    """``6222 **** **** 1234``: the first and last four digits, never more."""
    if len(plain) <= 8:
        return "**** " + plain[-4:]
    return f"{plain[:4]} **** **** {plain[-4:]}"
