"""A document's index records: one per chunk, each with the document's metadata, the first with
its content hash and origin."""

from __future__ import annotations

import hashlib
import json

from search.index.schema import JOINED_WORDS
from search.ingest.chunking import Chunk, chunk_document
from search.ingest.document import Document
from search.text.analysis import hyphen_joined_words

# The stored field holding a fingerprint of what a document's chunks are indexed with.
CONTENT_HASH = "content_hash"


def chunk_fields(document: Document, chunk: Chunk) -> dict:
    """The indexed, stored and column fields of one chunk."""
    return {
        "chunk_id": f"{document.id}#{chunk.position}",
        "doc_id": document.id,
        "position": chunk.position,
        "kind": chunk.kind,
        "number": chunk.number,
        "last": chunk.last,
        "source": document.source,
        "date": document.date.isoformat() if document.date else "",
        "member": document.member,
        "party": document.party,
        "minister": document.minister,
        "minister_title": document.minister_title,
        "minister_label": document.minister_label,
        "themes": list(document.themes),
        "question_number": document.number,
        "answered": document.answered,
        "question_key": document.question_key,
        "origin": document.origin,
        "title": document.title,
        "title_exact": document.title,
        "question": chunk.question,
        "question_exact": chunk.question,
        "answer": chunk.answer,
        "answer_exact": chunk.answer,
        # Every record carries every column, empty or not: whoosh3 3.54 cannot read a column
        # from an index where one segment holds no value at all for it (array index out of
        # range), which an `update` adding a few documents easily produces.
        JOINED_WORDS: " ".join(
            dict.fromkeys(
                word
                for text in (document.title, chunk.question, chunk.answer)
                for word in hyphen_joined_words(text)
            )
        ),
    }


def document_records(document: Document) -> list[dict]:
    """The index records of a document's chunks, the first carrying the document's content hash
    and where it was read (`origin`): stored once per document, not with every chunk.

    The hash covers every field the chunks are indexed with except `origin` (where the document
    was read: moving it between files changes nothing), so a changed text, and also a changed
    parser or chunker, makes `update` replace the document.
    """
    records = [chunk_fields(document, chunk) for chunk in chunk_document(document)]
    content = [{k: v for k, v in record.items() if k != "origin"} for record in records]
    digest = hashlib.blake2b(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8"), digest_size=16
    ).hexdigest()
    if records:
        records[0][CONTENT_HASH] = digest
    for record in records[1:]:
        del record["origin"]
    return records
