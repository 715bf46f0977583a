"""Where the query's words stand in a stored chunk, and the passage of it a page shows.

A chunk's text is its question and its answer, one after the other; the words are found in
each on its own, as the index holds them (`search.engine.query.matching`), and their places
given in the joined text, from which `search.engine.fragments` cuts the passage.
"""

from __future__ import annotations

from dataclasses import replace

from search.engine.fragments import Snippet, snippet
from search.engine.query.matching import Finder, Found
from search.index.generations.stored_chunks import StoredChunk


def found_in_chunk(chunk: StoredChunk, finder: Finder) -> tuple[str, list[Found]]:
    """A chunk's question and answer text, and where the query's words match in it."""
    question, answer = chunk.question, chunk.answer
    found = finder.find(question) if question else []
    if answer:
        shift = len(question) + 1 if question else 0
        found += [
            replace(match, start=match.start + shift, end=match.end + shift)
            for match in finder.find(answer)
        ]
    return chunk.text, found


def best_passage(chunk: StoredChunk, finder: Finder) -> Snippet | None:
    """The passage of a chunk that matches best; None without query words."""
    if not finder.words:
        return None
    return snippet(*found_in_chunk(chunk, finder))
