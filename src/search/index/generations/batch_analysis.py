"""Documents analysed in batches, in this process or in worker processes, and handed back in
the order they were given, so that what is written does not depend on how many processes
analysed it.

A batch's documents are made into their index records (chunks, content hash) and analysed into
arrays by an `ArrayWriter` of their own (`analyse_batch`); the writing process adds each batch
to the writer of its segment (`ArrayWriter.add_batch`). Analysis (the Dutch stemmer, the
compound splitter, the lexicon) is most of a build's work; workers share it, the writing
process parses the corpus and writes segments meanwhile. With each batch comes what the lexicon
said of its words and people that its process had not handed over yet (`LexiconFacts`), so that
the writing process completes the generation without analysing them again.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from whoosh.fields import Schema

from search.index.arrays.derived import LexiconFacts
from search.index.arrays.document_table import PEOPLE_SOURCES, surname_frequencies
from search.index.arrays.vocabulary import WORD_FIELDS, vocabulary_terms
from search.index.generations.array_writer import ArrayWriter, DocumentBatch
from search.index.generations.records import CONTENT_HASH, document_records
from search.index.schema import CORPUS_KEY, JOINED_WORDS
from search.ingest.corpus import SkippedFile, invalid_record
from search.ingest.document import Document

# How often a worker looks whether the process that started it is still there.
_PARENT_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Indexed:
    """A document as indexed: its content hash and number of chunks."""

    content_hash: str
    chunks: int


@dataclass
class AnalysedBatch:
    """A batch's documents, each `Indexed` or None (the chunker or the analysis failed on it,
    and `skipped` says why), their postings (`batch`, for `ArrayWriter.add_batch`), and what the
    lexicon says of their words and people that no earlier batch of the same process gave
    (`facts`, for `complete_generation`)."""

    indexed: list[Indexed | None]
    skipped: list[SkippedFile]
    batch: DocumentBatch
    facts: LexiconFacts


class _Handover:
    """What one analysing process has handed over of the lexicon's facts (see `LexiconFacts`):
    each word and person once."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.people: set[str] = set()

    def facts(self, batch: DocumentBatch, records: list[dict]) -> LexiconFacts:
        """The facts of the words of a batch's records that the vocabulary holds (those of the
        unstemmed text fields and the hyphenated words written as one) and of their people,
        those not handed over before."""
        words = {
            word
            for name in WORD_FIELDS
            if (field := batch.fields.get(name)) is not None
            for word in field.terms
        }
        words.update(word for record in records for word in record[JOINED_WORDS].split())
        new_words = words - self.words
        self.words |= new_words
        people = {record[name] for record in records for name in PEOPLE_SOURCES.values()}
        new_people = sorted(people - self.people)
        self.people.update(new_people)
        return LexiconFacts(
            terms={word: vocabulary_terms(word) for word in new_words},
            surnames=dict(
                zip(new_people, surname_frequencies(new_people, {}).tolist(), strict=True)
            ),
        )


def analyse_batch(
    schema: Schema, documents: list[tuple[Document, str]], handover: _Handover
) -> AnalysedBatch:
    """Make the records of each document (with its corpus key) and analyse them into arrays;
    with what the lexicon says of their words and people that `handover` has not handed over
    yet."""
    writer = ArrayWriter(schema)
    indexed: list[Indexed | None] = []
    skipped: list[SkippedFile] = []
    added: list[dict] = []
    for document, corpus_key in documents:
        records = records_or_none(document, skipped, corpus_key)
        if records is None:
            indexed.append(None)
            continue
        for record in records:
            writer.add_document(record)
        added += records
        indexed.append(Indexed(records[0][CONTENT_HASH], len(records)))
    batch = writer.batch()
    return AnalysedBatch(indexed, skipped, batch, handover.facts(batch, added))


# What this process, when it is a worker, has handed over (a worker analyses batches of one
# build and ends with it).
_WORKER_HANDOVER = _Handover()


def _analyse_in_worker(schema: Schema, documents: list[tuple[Document, str]]) -> AnalysedBatch:
    return analyse_batch(schema, documents, _WORKER_HANDOVER)


def records_or_none(
    document: Document, skipped: list[SkippedFile], corpus_key: str
) -> list[dict] | None:
    """The document's index records, each with the document's place in the corpus
    (`corpus_key`, see `reading_key`: not part of its content hash), made before any is
    written: a document the chunker or the analysis fails on is reported in `skipped` and
    left out, and no writer holds half of it."""
    try:
        records = document_records(document)
    except Exception as error:
        skipped.append(SkippedFile(document.origin, invalid_record(error)))
        return None
    for record in records:
        record[CORPUS_KEY] = corpus_key
    return records


def analysed_in_order(
    schema: Schema, batches: Iterable[list[tuple[Document, str]]], procs: int
) -> Iterator[AnalysedBatch]:
    """Each batch analysed, in the order given: here, or with `procs` > 1 in that many
    worker processes, at most one batch per worker ahead of the one handed back."""
    if procs <= 1:
        handover = _Handover()
        for documents in batches:
            yield analyse_batch(schema, documents, handover)
        return
    # Spawned, not forked: a forked worker would inherit the writer lock and hold it after a
    # killed parent, blocking every later writer.
    executor = ProcessPoolExecutor(
        max_workers=procs,
        mp_context=get_context("spawn"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    pending: deque[Future] = deque()
    try:
        for documents in batches:
            pending.append(executor.submit(_analyse_in_worker, schema, documents))
            while len(pending) > procs:
                yield pending.popleft().result()
        # Nothing more to hand out: each worker ends once its last batch is done, so that its
        # memory (the lexicon, the analysis's caches) is gone while the writer writes the last
        # segment and the generation's tables, the build's peak.
        executor.shutdown(wait=False)
        while pending:
            yield pending.popleft().result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (killed, say): an orphaned
    worker would keep its memory and wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
