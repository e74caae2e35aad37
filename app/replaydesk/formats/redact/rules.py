"""The built-in rules of redaction at import: what a sensitive field is called, the Luhn
check, and the mask. Pure functions and constants, shared by the DOM map and the text rules."""

from __future__ import annotations

import re
from functools import lru_cache

#: bump when a rule changes: the policy hash changes and re-imports replace sessions
RULES_VERSION = "1"

RULES = ("password", "autocomplete", "field-name", "luhn", "selector", "pattern", "echo")

_NONSPACE = re.compile(r"\S")
#: a run of 13 or more ASCII digits, single spaces or dashes between them. ASCII only: the Luhn
#: check reads digits as ``ord(ch) - 48``, so another script's digits never made a card number,
#: and a Unicode ``\d`` cost a character-database lookup per character searched.
RUN = re.compile(r"[0-9](?:[ -]?[0-9]){12,}")
VALUE_TYPES_SKIPPED = frozenset({"radio", "checkbox", "submit", "button", "reset", "image", "file", "range", "color"})
FIELD_TAGS = frozenset({"input", "textarea", "select"})
MAPPED_TAGS = FIELD_TAGS | {"label"}
HINT_ATTRS = ("name", "id", "placeholder", "aria-label", "title", "data-name")
AUTOCOMPLETE = frozenset({"current-password", "new-password", "one-time-code"})
TEXT_ATTRS = ("title", "alt", "aria-label", "placeholder", "content")
TEXT_ATTR_SET = frozenset(TEXT_ATTRS)
SCAN_ATTR_SET = frozenset(("value", *TEXT_ATTRS))
#: every attribute key any rule reads; an attribute change without one (style, class, d, cx...:
#: almost all of them) is skipped with one set test
ATTR_KEYS = frozenset(("type", "autocomplete", "data-rr-is-password", *HINT_ATTRS, *SCAN_ATTR_SET))
def key(x):
    """A node id usable as a dict key: a hostile ``[3]`` or ``{}`` id becomes None (such nodes still
    get the text rules; a field among them is matched by any other bad id, which only masks more)."""
    return None if type(x).__hash__ is None else x


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_\-.:\[\]()*#]+")

_FIELD_WORDS = re.compile(
    r"\b(?:"
    # card number
    r"card|card ?(?:number|num|no|nr)|cc ?(?:number|num|no)?|ccnum|pan|credit ?card|debit ?card"
    r"|kreditkarten?(?:nummer)?|karten ?(?:nummer|nr)|kartennummer"
    r"|num[ée]ro de (?:la )?carte|carte (?:bancaire|de cr[ée]dit)"
    r"|n[úu]mero de (?:la )?tarjeta|tarjeta(?: de cr[ée]dito)?"
    # CVC
    r"|cvc2?|cvv2?|cvn|csc|cid|security code|card code|card verification\w*"
    r"|kartenpr[üu]fnummer|pr[üu]fziffer|pr[üu]fnummer|sicherheitscode"
    r"|cryptogramme(?: visuel)?|code de s[ée]curit[ée]|c[óo]digo de seguridad"
    # expiry
    r"|exp|expiry|expiration(?: date)?|expires|exp ?(?:date|month|year|mm|yy)|cc ?exp\w*|valid (?:thru|through|until)"
    r"|ablaufdatum|g[üu]ltig bis|verfallsdatum|date d ?'? ?expiration|date d ?'? ?exp|expire le"
    r"|fecha de (?:caducidad|vencimiento|expiraci[óo]n)|caducidad|vencimiento"
    r"|mm ?/ ?(?:yy|yyyy|aa|jj)"
    # IBAN, account / routing numbers
    r"|iban|account ?(?:number|num|no|nr)|acct ?(?:number|num|no)|routing(?: ?(?:number|num|no))?|sort ?code"
    r"|kontonummer|konto ?nr|bankleitzahl|blz|num[ée]ro de compte|n[úu]mero de cuenta|rib"
    # social security / tax numbers
    r"|ssn|social security(?: number)?|sozialversicherungs ?(?:nummer)?|steuernummer|steuer ?id\w*"
    r"|steueridentifikationsnummer|tax ?(?:id|number|no)|tin|itin"
    r"|num[ée]ro fiscal|num[ée]ro de s[ée]curit[ée] sociale|num[ée]ro d ?'? ?identification fiscale"
    r"|nif|dni|nss|n[úu]mero de (?:la )?seguridad social|seguridad social|identificaci[óo]n fiscal"
    # PIN, one-time codes, passwords
    r"|pin|pin ?code|pincode|geheimzahl|code pin|c[óo]digo pin|one ?time ?code|otp"
    r"|password|passwort|kennwort|mot de passe|contrase[ñn]a|passwd|pwd"
    r")\b"
)
#: "Name on card", "cardholder": the card word names a person's name field, not the number
_FIELD_NOT = re.compile(r"\b(?:name|holder|cardholder|inhaber|titulaire|titular|nom|nombre)\b")


def mask(s: str) -> str:
    """Every non-space character replaced by ``*`` (length and spaces kept)."""
    return _NONSPACE.sub("*", s)


def card_like(digits: str) -> bool:
    """13-19 digits passing Luhn, except a bare 13-digit number starting with 1: that is
    an epoch-milliseconds timestamp (2001-2033), and no card brand issues such numbers."""
    n = len(digits)
    if n < 13 or n > 19 or (n == 13 and digits[0] == "1"):
        return False
    return luhn_ok(digits)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _normal_hint(s: str) -> str:
    return _SEPARATORS.sub(" ", _CAMEL.sub(" ", s)).lower()


@lru_cache(maxsize=8192)
def field_category(hint: str) -> bool:
    """Whether the words naming a field (name, id, placeholder, label...) mean sensitive data.

    Cached: a site's forms name their fields the same way on every visit and in every session,
    and the word search (three regular expressions) costs more than the walk to the field."""
    h = _normal_hint(hint)
    m = _FIELD_WORDS.search(h)
    if m is None:
        return False
    if m.group(0) in ("card", "tarjeta", "cc") and _FIELD_NOT.search(h):
        return False
    return True

