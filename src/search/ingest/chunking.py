"""Cut a `Document` into the chunks that are indexed and ranked.

A numbered sub-question and its answer form one `pair` chunk when the numbering lines up (an
answer "1 en 2." pairs with sub-questions 1 and 2). Whatever is not paired becomes `question` or
`answer` chunks: a numbered part on its own, or passages of about 150-300 words cut at sentence
ends. Chunks keep document order; `position` is unique within the document and names the anchor
(`#chunk-<position>`) that the document page opens at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.document import Document, NumberedPart, number_label

PASSAGE_MIN_WORDS = 150
PASSAGE_MAX_WORDS = 300

_SENTENCE_BREAK = re.compile(r"((?<=[.?!;])\s+|\s*\n\s*)")


@dataclass(frozen=True)
class ChunkRef:
    """Which chunk of a document: its kind, its sub-question number(s), its position."""

    kind: str
    number: int
    last: int
    position: int

    @property
    def anchor(self) -> str:
        """The element id of this chunk on the document page."""
        return chunk_anchor(self.position)

    @property
    def label(self) -> str:
        """The sub-question number(s) as shown: "3", "1-2", or "" for a passage."""
        return number_label(self.number, self.last)


@dataclass(frozen=True)
class Chunk(ChunkRef):
    """One indexed piece of a document: a sub-question with its answer, or a passage of either."""

    doc_id: str
    question: str
    answer: str


def chunk_anchor(position: int) -> str:
    """The element id of the chunk at `position` on its document page."""
    return f"chunk-{position}"


def chunk_document(document: Document) -> list[Chunk]:
    """Return the document's chunks in reading order."""
    pieces = [("question", 0, 0, text, "") for text in passages(document.question_intro)]
    if document.subanswers:
        pieces += [("answer", 0, 0, "", text) for text in passages(document.answer_intro)]
        pieces += _numbered_pieces(document.subquestions, document.subanswers)
    else:
        pieces += [_question_piece(part) for part in document.subquestions]
        pieces += [("answer", 0, 0, "", text) for text in passages(document.answer_intro)]
    if not pieces:
        pieces.append(("question", 0, 0, "", ""))
    return [
        Chunk(kind, number, last, position, document.id, question, answer)
        for position, (kind, number, last, question, answer) in enumerate(pieces)
    ]


def passages(text: str) -> list[str]:
    """Cut text into passages of about 150-300 words at sentence ends."""
    pieces = _SENTENCE_BREAK.split(text.strip())
    passages: list[str] = []
    words = 0
    for sentence, separator in zip(pieces[::2], [*pieces[1::2], ""], strict=True):
        length = len(sentence.split())
        if passages and (words < PASSAGE_MIN_WORDS or words + length <= PASSAGE_MAX_WORDS):
            passages[-1] += sentence
            words += length
        elif sentence:
            passages.append(sentence)
            words = length
        if passages:
            passages[-1] += "\n" if "\n" in separator else " "
    if len(passages) > 1 and words < PASSAGE_MIN_WORDS // 2:
        tail = passages.pop()
        passages[-1] += tail
    return [passage.strip() for passage in passages]


Piece = tuple[str, int, int, str, str]


def _numbered_pieces(
    questions: tuple[NumberedPart, ...], answers: tuple[NumberedPart, ...]
) -> list[Piece]:
    """Pair each answer with the sub-questions it covers; keep unpaired parts on their own."""
    by_number = {part.number: part for part in questions}
    pieces: list[Piece] = []
    paired: set[int] = set()
    for answer in answers:
        covered = [by_number[n] for n in answer.numbers if n in by_number]
        if len(covered) == len(answer.numbers):
            question = "\n".join(
                f"{part.label}. {part.text}" if len(covered) > 1 else part.text for part in covered
            )
            pieces.append(("pair", answer.number, answer.last, question, answer.text))
            paired.update(answer.numbers)
        else:
            pieces.append(("answer", answer.number, answer.last, "", answer.text))
    pieces += [_question_piece(part) for part in questions if part.number not in paired]
    return sorted(pieces, key=lambda piece: (piece[1], piece[0] != "question"))


def _question_piece(part: NumberedPart) -> Piece:
    return ("question", part.number, part.last, part.text, "")
