"""Split a question or answer text into its numbered parts ("1.", "2.", ...).

Numbers must run 1, 2, 3, ... and start a sentence: at the start of the text or a line, or after a
sentence end, also when the Chamber data glued them to the previous sentence ("hoe?2. Zou"). An
answer may cover several sub-questions at once ("1 en 2. ...", "3 tot 5. ..."): that part carries
the range. Letters (`a)`, `b)`) stay inside their number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from search.ingest.document import NumberedPart

_MARKER = re.compile(
    r"(?<![\w.,/-])"
    r"(?P<first>\d{1,2})"
    r"(?:\s*[.)]?\s*(?P<joiner>en|tot|t\.e\.m\.|-|&|,)\s*(?P<last>\d{1,2}))?"
    r"\s*[.)](?!\d)\s*"
    r"(?P<next>[^\W\d_]|[(\"'‘“])"
)
_SENTENCE_END = ".?!:;)\"'’”"


def split_numbered(text: str) -> tuple[str, tuple[NumberedPart, ...]]:
    """Return the text before "1." and the numbered parts; no parts if the numbering is absent."""
    markers = list(_sequential_markers(text))
    if not markers:
        return text.strip(), ()
    intro = text[: markers[0][0]].strip()
    parts = []
    for i, (_, body_start, first, last) in enumerate(markers):
        end = markers[i + 1][0] if i + 1 < len(markers) else len(text)
        parts.append(NumberedPart(first, text[body_start:end].strip(), last))
    return intro, tuple(parts)


def _sequential_markers(text: str) -> Iterator[tuple[int, int, int, int]]:
    """Yield (start, body start, first, last) of each marker that continues the numbering."""
    expected = 1
    for match in _MARKER.finditer(text):
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else first
        if first != expected or last < first or not _starts_sentence(text, match.start()):
            continue
        if match["last"] and match["joiner"] in ("-", ",") and last != first + 1:
            # "1-5." and "1, 3." are too often amounts or dates; accept only neighbours.
            continue
        yield match.start(), match.start("next"), first, last
        expected = last + 1


def _starts_sentence(text: str, index: int) -> bool:
    """Whether position `index` begins a sentence or a line."""
    # The last character before it other than a space or tab, found without copying the text
    # before it (a long text has many numbers).
    position = index - 1
    while position >= 0 and text[position] in " \t":
        position -= 1
    if position < 0 or text[position] == "\n":
        return True
    return text[position] in _SENTENCE_END
