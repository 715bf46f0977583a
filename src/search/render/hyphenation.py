"""Soft hyphens in long Dutch words, for browsers without a Dutch hyphenation dictionary.

The pages ask for `hyphens: auto` (with `lang="nl"`), but a browser hyphenates only where it
has a dictionary for the language, and Chromium on Linux and Windows often has none. Without
one, a long word in a narrow column breaks anywhere without a hyphen
("volksvertegenwoor/digers"). So words of `LONG_WORD` letters or more get a soft hyphen
(U+00AD) at each hyphenation point of the Dutch patterns LibreOffice uses (pyphen's `nl_NL`):
invisible unless a line breaks there, and then shown as a hyphen. Shorter words are left alone:
they fit a phone's column, and each soft hyphen is a character that copying or a screen reader
may trip over. Only the HTML pages get them, never the JSON, the exports or a citation.
"""

from __future__ import annotations

import functools
import re

import pyphen

SOFT_HYPHEN = "\u00ad"
LONG_WORD = 13
_LONG_WORD = re.compile(rf"[^\W\d_]{{{LONG_WORD},}}")


def soft_hyphens(text: str) -> str:
    """`text` with a soft hyphen at each hyphenation point of its long words."""
    return _LONG_WORD.sub(lambda word: _hyphenated(word[0]), text)


@functools.lru_cache(maxsize=1 << 16)
def _hyphenated(word: str) -> str:
    return _dutch().inserted(word, hyphen=SOFT_HYPHEN)


@functools.cache
def _dutch() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")
