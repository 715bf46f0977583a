"""Repair text extracted from a parliament's PDF: rebuild paragraphs from layout lines.

A line ending in a space is soft-wrapped (pypdf and the parliament's own text exports both keep
that space); a blank line inside a sentence is a page break; end-of-line hyphens are undone only
where they split a word ("Oost- en West-Vlaanderen" and "wateroverlast en -schade" stay).
"""

from __future__ import annotations

import re

_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]\s|[a-z][).]\s|[-•–*]\s)")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_SENTENCE_END = ".?!:;"
# A hyphen before these words suspends a compound ("Oost- en West-Vlaanderen").
_SUSPENSION_WORDS = frozenset({"en", "of", "tot", "noch", "als"})


def repair_pdf_text(text: str) -> str:
    """Return the text as paragraphs, one per line, with soft wraps and page breaks joined."""
    lines = _drop_repeated_url_lines(text.split("\n"))
    words = set(re.findall(r"\w+(?:-\w+)+", text))
    paragraphs: list[str] = []
    previous_raw = ""
    blank_before = False
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            blank_before = True
            continue
        if paragraphs and _continues(previous_raw, line, blank_before):
            paragraphs[-1] = _join(paragraphs[-1], line, words)
        else:
            paragraphs.append(line)
        previous_raw = raw.replace("\t", " ")
        blank_before = False
    return "\n".join(paragraphs)


def _continues(previous_raw: str, line: str, blank_before: bool) -> bool:
    """Whether `line` continues the paragraph that `previous_raw` ended."""
    if _LIST_ITEM.match(line):
        return False
    previous = previous_raw.rstrip()
    if previous.endswith("-") and not blank_before:
        return True
    if blank_before:
        return previous[-1:] not in _SENTENCE_END and line[:1].islower()
    return previous_raw.endswith(" ")


def _join(paragraph: str, line: str, hyphenated_words: set[str]) -> str:
    """Append a layout line to its paragraph, undoing a hyphen only where it split a word."""
    if not paragraph.endswith("-"):
        return f"{paragraph} {line}"
    if paragraph.endswith(" -"):
        return paragraph + line  # "wateroverlast en -" + "schade"
    if line.split(" ", 1)[0].lower() in _SUSPENSION_WORDS:
        return f"{paragraph} {line}"  # "Oost-" + "en West-Vlaanderen"
    if not line[:1].islower():
        return paragraph + line  # "West-" + "Vlaanderen", "COVID-" + "19"
    head, tail = re.search(r"\w*-$", paragraph)[0], re.match(r"\w*", line)[0]
    if head + tail in hyphenated_words:
        return paragraph + line  # the document spells this word with a hyphen elsewhere
    return paragraph[:-1] + line


def _drop_repeated_url_lines(lines: list[str]) -> list[str]:
    """Drop a line holding only a URL whose address the text already gives."""
    text = "\n".join(lines)
    kept = []
    for line in lines:
        stripped = line.strip()
        if _URL_LINE.match(stripped):
            bare = re.sub(r"^(?:https?://)?", "", stripped, flags=re.IGNORECASE).rstrip("/")
            if text.count(bare) > 1:
                continue
        kept.append(line)
    return kept
