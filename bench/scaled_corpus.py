"""A corpus of any size made deterministically from real documents, for the benchmark.

Up to the size of the bundled corpus (3,813 documents) it is the bundled corpus itself, cut to
size: the Chamber's 2017 records in file order, then the two Flemish documents. Beyond that come
the 6,059 real Chamber questions of 2020 (`bench/data/`, questions only: no answers, no titles),
and then new documents recombined from the real 2017 records:
- the metadata (member, party, minister, themes) of one real record, a title of another;
- the question of a third record and the answer of a fourth (unanswered when it has none), in
  each of which every sentence is kept with probability `KEPT` and otherwise replaced by a
  random real sentence of a question or an answer, so that no two documents share their text;
- a filing date spread over `YEARS`, and an id of its own.
So the documents have the real length, structure (numbered sub-questions, paragraphs), word
frequencies and metadata of the bundled ones. The 2020 questions, which lack titles, get the
first words of their first sentence as title and the metadata of a random 2017 record, dated in
2020. Every choice comes from a random generator seeded with the document's number, so a corpus
of N documents is the same on every machine and a prefix of any larger one.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "corpus"
CHAMBER_2017 = BUNDLED / "dekamer" / "qrva-2017.jsonl.gz"
FLEMISH = BUNDLED / "vlaams-parlement"
QUESTIONS_2020 = Path(__file__).resolve().parent / "data" / "dekamer-qrva-2020-questions.jsonl.gz"
# Share of each recombined question's and answer's sentences kept from its source record.
KEPT = 0.7
YEARS = (2008, 2024)
TITLE_WORDS = 12
# Ids of recombined documents start here (the real Chamber ids are six digits).
RECOMBINED_FIRST_ID = 90_000_000
SEED = 5

_SENTENCE_END = re.compile(r"(?<=[.?!])(?:\s+|(?=[A-Z]))")


@dataclass
class Sources:
    """The real records the corpus is made from, read once."""

    records_2017: list[dict]
    records_2020: list[dict]

    @classmethod
    def read(cls) -> Sources:
        return cls(_read_jsonl(CHAMBER_2017), _read_jsonl(QUESTIONS_2020))

    @property
    def bundled_size(self) -> int:
        return len(self.records_2017) + len(list(FLEMISH.iterdir()))

    @cached_property
    def question_sentences(self) -> list[str]:
        return [s for r in self.records_2017 for s in sentences(_question_body(r["question"]))]

    @cached_property
    def answer_sentences(self) -> list[str]:
        return [s for r in self.records_2017 for s in sentences(r["answer"] or "")]


def write_corpus(folder: Path, size: int, sources: Sources | None = None) -> dict[str, int]:
    """Write a corpus of `size` documents into `folder` (new); returns the count per kind."""
    sources = sources or Sources.read()
    folder.mkdir(parents=True)
    chamber = folder / "dekamer"
    chamber.mkdir()
    flemish_files = sorted(FLEMISH.iterdir())
    real_2017 = min(size, len(sources.records_2017))
    write_jsonl(chamber / "qrva-2017.jsonl.gz", sources.records_2017[:real_2017])
    flemish = min(size - real_2017, len(flemish_files))
    if flemish:
        (folder / "vlaams-parlement").mkdir()
        for path in flemish_files[:flemish]:
            shutil.copy(path, folder / "vlaams-parlement" / path.name)
    left = size - real_2017 - flemish
    questions_2020 = min(left, len(sources.records_2020))
    if questions_2020:
        records = (_record_2020(sources, n) for n in range(questions_2020))
        write_jsonl(chamber / "qrva-2020.jsonl.gz", records)
    recombined = left - questions_2020
    if recombined:
        records = (recombined_record(sources, n) for n in range(recombined))
        write_jsonl(chamber / "recombined.jsonl.gz", records)
    return {
        "chamber_2017": real_2017,
        "flemish": flemish,
        "chamber_2020_questions": questions_2020,
        "recombined": recombined,
    }


def recombined_record(sources: Sources, number: int) -> dict:
    """The `number`th recombined document, as a Chamber record."""
    rng = random.Random(f"{SEED}:recombined:{number}")
    records = sources.records_2017
    meta, titled, asked, answered = (rng.choice(records) for _ in range(4))
    title = meta_title(titled)
    body = _mixed(rng, sentences(_question_body(asked["question"])), sources.question_sentences)
    answer = None
    if answered["answer"]:
        paragraphs = answered["answer"].split("\n")
        answer = "\n".join(
            _mixed(rng, sentences(p), sources.answer_sentences) if p.strip() else p
            for p in paragraphs
        )
    return {
        **_metadata(meta),
        "doc_id": RECOMBINED_FIRST_ID + number,
        "depotdat": _random_date(rng, *YEARS).isoformat(),
        "question": f"{title}\n\n {body}",
        "answer": answer,
    }


def meta_title(record: dict) -> str:
    """A 2017 record's title line."""
    return record["question"].strip().partition("\n")[0]


def sentences(text: str) -> list[str]:
    """The sentences of a text, also where a sentence is glued to the next ("hoe?2. Zou")."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _mixed(rng: random.Random, own: list[str], pool: list[str]) -> str:
    return " ".join(s if rng.random() < KEPT else rng.choice(pool) for s in own)


def _record_2020(sources: Sources, number: int) -> dict:
    rng = random.Random(f"{SEED}:2020:{number}")
    record = sources.records_2020[number]
    text = " ".join(record["text_nl"].split())
    first = sentences(text)[0] if text else ""
    title = " ".join(first.split()[:TITLE_WORDS])
    return {
        **_metadata(rng.choice(sources.records_2017)),
        "doc_id": record["doc_id"].rsplit("/", 1)[-1],
        "depotdat": _random_date(rng, 2020, 2020).isoformat(),
        "question": f"{title}\n\n {text}",
        "answer": None,
    }


def _metadata(record: dict) -> dict:
    names = ("aut_party", "aut_person", "aut_language", "question_theme_main", "question_theme")
    names += ("answer_deptpres", "answer_department", "answer_subdepartment")
    return {name: record.get(name) for name in names}


def _question_body(question: str) -> str:
    return question.strip().partition("\n")[2]


def _random_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1)
    days = (dt.date(last_year, 12, 31) - start).days
    return start + dt.timedelta(days=rng.randrange(days + 1))


def _read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_jsonl(path: Path, records) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def extra_records(sources: Sources, first: int, count: int) -> Iterator[dict]:
    """Recombined documents numbered from `first`: new documents for an `update`."""
    return (recombined_record(sources, n) for n in range(first, first + count))
