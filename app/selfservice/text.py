"""Rules for text the user names things with (device names, metadata keys) and for text
that must survive a round trip as JSON.

Contract:
- `has_hidden_characters(text)`: True when `text` holds a character that is invisible
  or changes how the text around it is shown: control characters (Cc, U+0000
  included), format characters (Cf: bidi overrides U+202A-U+202E and isolates
  U+2066-U+2069, zero-width characters, soft hyphen, ...), unpaired surrogates (Cs),
  and line or paragraph separators (Zl, Zp). A name with one of them could show in a
  list as another name than the one stored. Letters, digits, marks, punctuation,
  symbols and spaces of any script pass.
- `has_lone_surrogate(text)`: True when `text` is not valid Unicode (a UTF-16
  surrogate without its pair, which JSON's `\\ud800` escape can carry but UTF-8 cannot
  encode).
"""

from __future__ import annotations

import unicodedata

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def has_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(char) in HIDDEN_CATEGORIES for char in text)


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
