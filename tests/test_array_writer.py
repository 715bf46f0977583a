"""The array-fed writer writes what Whoosh's own writer writes: the same terms, term statistics,
postings, stored fields, lengths and columns, which plain Whoosh reads back; its merge is
Whoosh's merge; and a build's generation opens with `whoosh` alone."""

import itertools
import pickle
import random
import zlib

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.columns import RefBytesColumn, VarBytesColumn
from whoosh.filedb.filestore import RamStorage
from whoosh.formats import Positions

from search.index.arrays.array_files import ArrayFile
from search.index.arrays.postings import postings_file, segment_postings_arrays
from search.index.format import segment_arrays
from search.index.format.coded_columns import coded_values, refbytes_column, refbytes_parts
from search.index.format.posting_blocks import (
    packed_position_values,
    position_values,
    varint_rows,
)
from search.index.format.segment_arrays import compound_parts, read_segment
from search.index.format.segment_files import commit_segments, varbytes_column
from search.index.generations import array_writer
from search.index.generations.array_writer import ArrayWriter
from search.index.generations.batch_analysis import records_or_none
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index
from search.index.schema import PackedPositions, build_schema
from search.ingest.corpus import corpus_files, read_documents, reading_key
from tests.conftest import make_sample_corpus


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """The index records of the sample corpus, as a build makes them."""
    corpus = make_sample_corpus(tmp_path_factory.mktemp("corpus"))
    return [
        record
        for path in corpus_files(corpus)
        for number, document in enumerate(read_documents(path, []))
        for record in records_or_none(document, [], reading_key(corpus, path, number))
    ]


def whoosh_written(folder, records):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer()
    for record in records:
        writer.add_document(**record)
    writer.commit()
    return whoosh_index.open_dir(str(folder))


def array_written(folder, records, batch=None):
    """Written by one `ArrayWriter`, or (with `batch`) from writers of `batch` records each
    handed to it, as a build's analysing processes hand them over."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ArrayWriter(ix.schema)
    for start in range(0, len(records), batch or len(records)):
        part = ArrayWriter(ix.schema) if batch else writer
        for record in records[start : start + (batch or len(records))]:
            part.add_document(record)
        if batch:
            writer.add_batch(part.batch())
    commit_segments(ix, [writer.write(folder)])
    return whoosh_index.open_dir(str(folder))


def postings(reader, field, term):
    matcher = reader.postings(field, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def term_statistics(reader, field, term):
    info = reader.term_info(field, term)
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


def assert_same_index(expected, actual):
    """Every term, its statistics and postings, every stored document, length and column."""
    schema = expected.schema
    with expected.reader() as one, actual.reader() as other:
        terms = list(one.all_terms())
        assert terms == list(other.all_terms())
        assert len(terms) > 1000
        for field, term in terms:
            assert term_statistics(one, field, term) == term_statistics(other, field, term)
            assert postings(one, field, term) == postings(other, field, term), (field, term)
        assert list(one.iter_docs()) == list(other.iter_docs())
        assert one.doc_count() == other.doc_count()
        for field in schema.scorable_names():
            assert one.field_length(field) == other.field_length(field)
            for docnum in range(one.doc_count_all()):
                expected_length = one.doc_field_length(docnum, field)
                assert other.doc_field_length(docnum, field) == expected_length
        for field, field_type in schema.items():
            if field_type.column_type:
                assert list(one.column_reader(field)) == list(other.column_reader(field))


@pytest.mark.parametrize("part", [array_writer.POSTINGS_PER_PART, 1000], ids=["whole", "parts"])
def test_the_array_writer_writes_what_whoosh_writes(records, tmp_path, monkeypatch, part):
    """Also when each field is encoded a few terms at a time."""
    monkeypatch.setattr(array_writer, "POSTINGS_PER_PART", part)
    expected = whoosh_written(tmp_path / "whoosh", records)
    actual = array_written(tmp_path / "arrays", records)
    assert_same_index(expected, actual)
    # Several blocks per term, and the per-document parts byte for byte.
    with actual.reader() as reader:
        assert max(reader.doc_frequency(f, t) for f, t in reader.all_terms()) > 128
    assert per_document_parts(expected) == per_document_parts(actual)


def test_batches_handed_over_write_the_same_segment(records, tmp_path):
    whole = array_written(tmp_path / "whole", records)
    batched = array_written(tmp_path / "batched", records, batch=37)
    assert_same_index(whole, batched)
    assert all_parts(whole) == all_parts(batched)


def per_document_parts(ix):
    """The length and sortable columns of the single segment, by name, and its stored fields
    unpickled (Whoosh's writer pickles them with protocol 2, the array writer with 5)."""
    parts = {
        name.split(".", 1)[1]: bytes(data)
        for name, data in all_parts_of(ix).items()
        if name.endswith(".col")
    }
    count = ix.doc_count_all()
    stored = segment_arrays._varbytes_values(parts.pop("_stored.col"), count)
    parts["_stored.col"] = [pickle.loads(zlib.decompress(value)) for value in stored]
    return parts


def all_parts(ix):
    return {name.split(".", 1)[1]: bytes(data) for name, data in all_parts_of(ix).items()}


def all_parts_of(ix):
    (segment,) = ix._read_toc().segments
    return compound_parts(ix.storage._fpath(segment.make_filename(".seg")))


def test_a_merge_is_the_merge_whoosh_makes(records, tmp_path):
    """Whoosh's `optimize` and the array writer's merge, of the same segments (one of them
    with deleted chunks) and new documents, make the same index."""
    first, second, new = records[:150], records[150:300], records[300:]
    start = tmp_path / "start"
    ix = array_written(start, first)
    (segment,) = ix._read_toc().segments
    gone = sorted({record["doc_id"] for record in first})[::5]
    with ix.reader() as reader:
        deleted = [n for doc_id in gone for n in reader.postings("doc_id", doc_id).all_ids()]
    writer = ArrayWriter(ix.schema)
    for record in second:
        writer.add_document(record)
    commit_segments(ix, [writer.write(start)], deletions={segment.segment_id(): deleted})

    merged_folder = tmp_path / "merged"
    merged_folder.mkdir()
    for path in start.iterdir():
        (merged_folder / path.name).write_bytes(path.read_bytes())
    by_whoosh = whoosh_index.open_dir(str(start))
    whoosh_writer = by_whoosh.writer()
    for record in new:
        whoosh_writer.add_document(**record)
    whoosh_writer.commit(optimize=True)  # reads the array-written segments through Whoosh

    ix = whoosh_index.open_dir(str(merged_folder))
    old = ix._read_toc().segments
    writer = ArrayWriter(ix.schema)
    for record in new:  # Whoosh's merge numbers new documents first
        writer.add_document(record)
    for segment in old:
        writer.take_over(read_segment(merged_folder, ix.schema, segment))
    commit_segments(ix, [writer.write(merged_folder)], dropped=[s.segment_id() for s in old])

    merged = whoosh_index.open_dir(str(merged_folder))
    assert len(merged._read_toc().segments) == 1
    assert_same_index(whoosh_index.open_dir(str(start)), merged)


def test_a_built_generation_opens_with_whoosh_alone(records, tmp_path):
    """Documents, terms and postings, read by `whoosh` itself from what a build wrote."""
    corpus = make_sample_corpus(tmp_path / "corpus")
    build_index(corpus, tmp_path / "index", procs=1)
    ix = whoosh_index.open_dir(str(current_generation(tmp_path / "index")))
    schema = build_schema()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert reader.doc_count() == len(records)
        stored = list(reader.iter_docs())
        assert [fields["chunk_id"] for _, fields in stored] == [r["chunk_id"] for r in records]
        assert all(
            fields["answer"] == r["answer"] for (_, fields), r in zip(stored, records, strict=True)
        )
        # Every word of every chunk's answer, in both fields, with its positions.
        for docnum, record in enumerate(records):
            for field in ("answer", "answer_exact"):
                words = schema[field].analyzer.word_positions(record["answer"])
                for word, positions in words.items():
                    found = dict(
                        (n, v) for n, _, v in postings(reader, field, word.encode("utf-8"))
                    )
                    assert ix.schema[field].format.decode_positions(found[docnum]) == positions
        assert len(searcher.search(wq.Term("doc_id", "vlpar-2019-2020-58"))) > 0


def test_position_values_are_what_whoosh_encodes():
    rng = random.Random(7)
    lists = [
        sorted(rng.sample(range(rng.choice([50, 300, 70_000, 10**6])), rng.choice([1, 2, 5, 40])))
        for _ in range(2000)
    ]
    lists += [list(range(2500)), list(range(1000)), list(range(1001)), [0], [70_000, 3]]
    counts = np.array([len(positions) for positions in lists])
    values = position_values(counts, np.array([p for positions in lists for p in positions]))
    encoded = [
        bytes(values.blob[start:end])
        for start, end in zip(values.offsets[:-1], values.offsets[1:], strict=True)
    ]
    # Each value stands as an item of a pickled tuple: its opcode, then Whoosh's bytes.
    decoded = [value[2:] if value[0] == ord("C") else value[5:] for value in encoded]
    assert decoded == [Positions().encode(positions) for positions in lists]


def test_packed_position_values_are_what_the_format_encodes_and_read_back():
    """Each value a posting's count and the gaps between its positions, varints of one to five
    bytes; decoded by the format (as Whoosh's matchers read them) and by a merge alike."""
    rng = random.Random(8)
    lists = [
        sorted(rng.sample(range(rng.choice([50, 300, 70_000, 10**6, 2**33])), rng.choice([1, 5])))
        for _ in range(2000)
    ]
    lists += [list(range(2500)), [0], [127], [128], [16_383, 16_384], [2**21 - 1, 2**28]]
    counts = np.array([len(positions) for positions in lists])
    flat = np.array([p for positions in lists for p in positions])
    values = packed_position_values(counts, flat)
    encoded = [bytes(values.blob[a:b]) for a, b in itertools.pairwise(values.offsets)]
    # Each value stands as an item of a pickled tuple: its opcode, then the format's bytes.
    decoded = [value[2:] if value[0] == ord("C") else value[5:] for value in encoded]
    packed = PackedPositions()
    assert decoded == [packed.encode(positions) for positions in lists]
    assert [packed.decode_positions(value) for value in decoded] == lists
    assert [packed.decode_frequency(value) for value in decoded] == counts.tolist()
    with pytest.raises(ValueError, match="2\\*\\*35"):
        varint_rows(np.array([2**35]))
    read_counts, positions, starts = segment_arrays._packed_positions(decoded)
    assert read_counts.tolist() == counts.tolist() and positions.tolist() == flat.tolist()
    assert starts.tolist() == [0, *np.cumsum(counts).tolist()]


def whoosh_column(column, values: list[bytes]) -> bytes:
    """A column of `values` (b"" where a document has none) as Whoosh's own writer writes it."""
    storage = RamStorage()
    with storage.create_file("column") as file:
        writer = column.writer(file)
        for docnum, value in enumerate(values):
            if value:
                writer.add(docnum, value)
        writer.finish(len(values))
    return storage.open_file("column").read()


@pytest.mark.parametrize("count", [10, 40_000])
def test_a_varbytes_column_is_what_whoosh_writes(count):
    """Also past 32,768 documents, where Whoosh adds an offsets array."""
    rng = random.Random(count)
    values = [
        zlib.compress(bytes(rng.randrange(256) for _ in range(rng.randrange(9))))
        for _ in range(count)
    ]
    values[-3:] = [b"", b"", b""]
    assert varbytes_column(values) == whoosh_column(VarBytesColumn(), values)


@pytest.mark.parametrize("distinct", [3, 256, 257, 65_536])
def test_a_refbytes_column_is_what_whoosh_writes(distinct):
    """One byte a document up to 256 distinct values (b"" among them), two past them; read
    back as they were written."""
    rng = random.Random(distinct)
    values = [b""] + [f"waarde {number}".encode() for number in range(1, distinct)]
    values = values + [rng.choice(values) for _ in range(1000)]
    rng.shuffle(values)
    expected = whoosh_column(RefBytesColumn(), values)
    assert refbytes_column(values) == expected
    distinct_values, refs = refbytes_parts(expected, len(values))
    assert len(distinct_values) == distinct and refs.itemsize == (1 if distinct <= 256 else 2)
    blob, offsets = coded_values(distinct_values, refs)
    assert [bytes(blob[a:b]) for a, b in itertools.pairwise(offsets)] == values


def test_a_refbytes_column_of_too_many_values_is_not_written():
    """Whoosh's own writer would drop the values past the 65,536th with a warning."""
    with pytest.raises(ValueError, match="at most 65,536"):
        refbytes_column([str(number).encode() for number in range(70_000)])


def test_the_postings_file_written_with_a_segment_is_the_one_read_back_from_it(records, tmp_path):
    """The search's postings file, written from the writer's arrays in the same pass, holds
    what `complete_postings` would read from the segment's Whoosh files."""
    ix = array_written(tmp_path / "arrays", records)
    [segment] = ix._segments()
    written = ArrayFile(postings_file(tmp_path / "arrays", segment)).arrays
    read_back = segment_postings_arrays(tmp_path / "arrays", ix.schema, segment)
    assert sorted(written) == sorted(read_back)
    for name, array in read_back.items():
        assert written[name].dtype == array.dtype, name
        assert np.array_equal(written[name], array), name
