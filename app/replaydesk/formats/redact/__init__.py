"""Redaction at import: payment and credential data never reach the store in clear.

Why here: recorders mask passwords by default but sites configure them badly
(the demo archive holds a card number, its expiry and CVC typed in clear).
Masking at view time would still leave the values in the SQLite file, its WAL
and every derived blob; so events are redacted as they stream from the
normalizer into the store, before anything (summary, console table, chunks,
checkpoints) sees them.

To know which inputs are sensitive without a DOM mirror, :class:`Redactor`
keeps a small map of form fields (tag, the attributes that name them, their
label) built from full snapshots and mutation adds. Rules, in the order they
are checked (the first that matches names the count in the report):

1. ``password``: ``<input type=password>`` (or rrweb's ``data-rr-is-password``);
2. ``autocomplete``: ``cc-*``, ``current-password``, ``new-password``, ``one-time-code``;
3. ``field-name``: a name, id, placeholder, aria-label or label that means card
   number, CVC, expiry, IBAN, account/routing number, social-security/tax
   number, PIN or password (English, German, French, Spanish);
4. ``luhn``: a 13-19 digit run (spaces or dashes allowed) passing the Luhn
   check, in any input value, text node, attribute, console message or custom
   event; only the run is masked;
5. ``selector`` / ``pattern``: the user's simple CSS selectors (``tag#id.class[attr=v]``,
   matched on the element's own attributes; text below a matched element is
   masked too) and regular expressions (the match is masked).

``echo``: once a sensitive field held a value of 5+ characters, the same
value found later in text, console or custom events is masked as well. A
"card ending 4242" text stays: four digits are conventionally allowed.

Masking replaces every non-space character with ``*``, keeping length and spaces.

Modules, one job each: ``rules`` (field words, Luhn, the mask), ``selectors`` (user
CSS selectors), ``policy`` (what to redact, its digest), ``dom`` (the field map and the
tree walks), ``values`` (the text rules on values, text and payloads), ``redactor``
(event dispatch, attribute changes, the report).
"""

from .policy import DEFAULT_POLICY, RedactionPolicy
from .redactor import Redactor
from .rules import RULES, RULES_VERSION, card_like, field_category, luhn_ok, mask
from .selectors import SelectorError, SimpleSelector

__all__ = [
    "DEFAULT_POLICY",
    "RULES",
    "RULES_VERSION",
    "RedactionPolicy",
    "Redactor",
    "SelectorError",
    "SimpleSelector",
    "card_like",
    "field_category",
    "luhn_ok",
    "mask",
]
