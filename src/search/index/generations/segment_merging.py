"""Which segments to merge, and merging them: the small segments updates leave behind are
merged into one, never the large segments of a build.

A segment is small when it is not the largest and holds less than a quarter of the largest's
chunks, or fewer than `SMALL_CHUNKS` (so that the segments of updates to a small index count as
small too). An update
merges the small segments once there are `MERGE_AT` of them; `parlsearch optimize` merges them
whenever there are two, or one holding deleted chunks. Each merge writes one new segment from
the live chunks of those it replaces (`ArrayWriter.take_over`, as Whoosh's own merge does: their
lengths become the lengths their length bytes stand for, so scores may move by a rounding) and a
table of contents without them.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.codec.whoosh3 import W3Segment
from whoosh.index import FileIndex

from search.index.format.segment_arrays import read_segment
from search.index.format.segment_files import commit_segments
from search.index.generations.array_writer import ArrayWriter

# A segment is small below this share of the largest segment's chunks, or below this many.
SMALL_SHARE = 0.25
SMALL_CHUNKS = 1_000
# An update merges the small segments when there are this many.
MERGE_AT = 4


def small_segments(segments: list[W3Segment]) -> list[W3Segment]:
    """The small segments, in the order of the table of contents."""
    if not segments:
        return []
    largest = max(segments, key=lambda segment: segment.doc_count_all())
    limit = max(SMALL_SHARE * largest.doc_count_all(), SMALL_CHUNKS)
    return [
        segment
        for segment in segments
        if segment is not largest and segment.doc_count_all() < limit
    ]


def mergeable(segments: list[W3Segment], every_small: bool) -> list[W3Segment]:
    """The segments to merge: the small ones, when there are `MERGE_AT` of them or, with
    `every_small`, when there are two or one of them holds deleted chunks; else none."""
    small = small_segments(segments)
    if len(small) >= MERGE_AT:
        return small
    if every_small and (len(small) >= 2 or any(segment.has_deletions() for segment in small)):
        return small
    return []


def merge_segments(folder: Path, ix: FileIndex, chosen: list[W3Segment]) -> W3Segment | None:
    """Replace `chosen` segments of the index in `folder` by one segment of their live chunks
    (none when no chunk is left), in a new table of contents."""
    writer = ArrayWriter(ix.schema)
    for segment in chosen:
        writer.take_over(read_segment(folder, ix.schema, segment))
    merged = writer.write(folder) if writer.doc_count else None
    dropped = [segment.segment_id() for segment in chosen]
    commit_segments(ix, [merged] if merged else [], dropped=dropped)
    return merged
