"""Chunks: sub-questions paired with their answers, passages elsewhere, in reading order."""

from search.ingest.chunking import PASSAGE_MAX_WORDS, chunk_document, passages
from search.ingest.document import Document, NumberedPart
from search.ingest.parse_chamber import parse_chamber_record
from search.ingest.parse_flemish import parse_flemish_text
from tests.conftest import SEED_TXT, chamber_records


def test_seed_becomes_intro_and_six_pairs():
    chunks = chunk_document(parse_flemish_text(SEED_TXT.read_text(encoding="utf-8")))
    assert [(c.kind, c.label) for c in chunks] == [("question", "")] + [
        ("pair", str(n)) for n in range(1, 7)
    ]
    assert [c.position for c in chunks] == list(range(7))
    assert chunks[1].question.startswith("In het verleden werd gealludeerd")
    assert chunks[1].answer.startswith("De regionale werking van Cultuurloket")
    assert chunks[1].anchor == "chunk-1"
    assert {c.doc_id for c in chunks} == {"vlpar-2019-2020-58"}


def test_answer_covering_two_subquestions_pairs_with_both():
    document = _document(
        subquestions=(
            NumberedPart(1, "Hoeveel?"),
            NumberedPart(2, "Waarom?"),
            NumberedPart(3, "Wanneer?"),
        ),
        subanswers=(NumberedPart(1, "Tien, omdat het moet.", 2), NumberedPart(3, "Morgen.")),
    )
    chunks = chunk_document(document)
    assert [(c.kind, c.label) for c in chunks] == [("pair", "1-2"), ("pair", "3")]
    assert chunks[0].question == "1. Hoeveel?\n2. Waarom?"


def test_unpaired_parts_keep_their_numbers():
    document = _document(
        subquestions=(NumberedPart(1, "Hoeveel?"), NumberedPart(2, "Waarom?")),
        subanswers=(NumberedPart(1, "Tien."),),
    )
    assert [(c.kind, c.label) for c in chunk_document(document)] == [
        ("pair", "1"),
        ("question", "2"),
    ]


def test_unnumbered_answer_follows_the_numbered_questions():
    document = _document(
        subquestions=(NumberedPart(1, "Hoeveel?"), NumberedPart(2, "Waarom?")),
        answer="Het antwoord in één stuk.",
    )
    kinds = [(c.kind, c.label) for c in chunk_document(document)]
    assert kinds == [("question", "1"), ("question", "2"), ("answer", "")]


def test_long_text_becomes_passages_of_150_to_300_words():
    record = max(chamber_records(), key=lambda r: len((r["answer"] or "").split()))
    text = parse_chamber_record(record).answer
    pieces = passages(text)
    assert len(pieces) > 3
    assert all(len(p.split()) <= PASSAGE_MAX_WORDS + 120 for p in pieces)
    assert all(len(p.split()) >= 75 for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_every_chamber_record_chunks_without_losing_text():
    for record in chamber_records(set(range(184501, 184701))):
        document = parse_chamber_record(record)
        chunks = chunk_document(document)
        words = sum(len(c.question.split()) + len(c.answer.split()) for c in chunks)
        assert words >= len(document.question.split()) + len(document.answer.split()) - 3 * len(
            chunks
        )


def _document(subquestions=(), subanswers=(), answer="antwoord"):
    return Document(
        id="test-1",
        source="dekamer",
        title="Titel",
        date=None,
        member="",
        party="",
        minister="",
        question="vraag",
        answer=answer,
        subquestions=subquestions,
        subanswers=subanswers,
        answer_intro="" if subanswers else answer,
    )
