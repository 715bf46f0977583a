"""What a generation holds beside Whoosh's files, and what it promises: plain Whoosh still opens
it, each segment's postings file holds Whoosh's postings, the vocabulary's spelling index finds
what Whoosh's `terms_within` finds, a search process needs no lexicon for the words the index
holds, and a build with two processes ranks as one with one process."""

import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine.query.context import ChunkContext
from search.engine.request import parse_request
from search.engine.searching import SearchEngine
from search.index.arrays import postings as postings_module
from search.index.arrays.array_files import ArrayFile, Strings
from search.index.arrays.derived import GENERATION_FILES
from search.index.arrays.document_table import DocumentTable, chunk_parts, segment_values
from search.index.arrays.postings import (
    LENGTH_OF_BYTE,
    Postings,
    SegmentChunks,
    SegmentPostings,
    classes_field,
    postings_file,
)
from search.index.arrays.vocabulary import MAX_EDITS, Vocabulary
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index
from search.index.schema import CODED_COLUMNS, DOCUMENT_COLUMNS, TEXT_FIELDS, exact_field
from search.index.schema.near import WORD_CLASSES

QUERIES = [
    "groene nummers",
    "sociale zekerheid",
    "overheidsdiensten",
    '"sociale zekerheid"',
    "belast*",
    "minister vraag",
    "trein -vertraging",
]


def test_plain_whoosh_opens_the_generation_and_finds_its_documents(index_dir):
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    table = DocumentTable.open(generation)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == int(table.live_chunks.sum())
        for ordinal in (0, len(table.ids) // 2, len(table.ids) - 1):
            doc_id = table.ids[ordinal]
            chunks = list(searcher.docs_for_query(wq.Term("doc_id", doc_id)))
            assert sorted(chunks) == sorted(table.chunks(ordinal))
            assert searcher.stored_fields(chunks[0])["doc_id"] == doc_id
        found = searcher.search(wq.Term("question_exact", "cultuurloket"))
        assert "vlpar-2019-2020-58" in {hit["doc_id"] for hit in found}
    assert all((generation / name).exists() for name in GENERATION_FILES)


def test_the_document_table_reads_each_column_as_whooshs_column_reader(index_dir):
    """Coded columns are read by their numbers, the others in full: every chunk's value is the
    one Whoosh's own column reader gives."""
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    coded = 0
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            chunks = list(range(leaf.doc_count_all()))
            for name in DOCUMENT_COLUMNS:
                values = segment_values(leaf, name)
                coded += not isinstance(values, Strings)
                whooshs = leaf.column_reader(name)
                expected = [_text(whooshs[chunk]) for chunk in chunks]
                assert values.take(chunks) == expected, name
                assert values.take(chunks[::-3]) == expected[::-3], name
    assert coded >= len(CODED_COLUMNS)


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def test_each_segments_postings_file_holds_whooshs_postings(index_dir):
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    random.seed(12)
    with ix.reader() as reader:
        for segment in ix._segments():
            assert postings_file(generation, segment).exists()
            postings = SegmentPostings.open(generation, ix.schema, segment)
            for name in ("title", "answer", "question_exact", "doc_id"):
                field = postings.fields[name]
                assert field.terms.tolist() == [t.decode() for t in reader.lexicon(name)]
                for number in random.sample(range(len(field.terms)), 50):
                    first, last = int(field.starts[number]), int(field.starts[number + 1])
                    matcher = reader.postings(name, field.terms.bytes_at(number))
                    docs, weights, positions = [], [], []
                    while matcher.is_active():
                        docs.append(matcher.id())
                        weights.append(matcher.weight())
                        if field.positions is not None:
                            positions += list(matcher.value_as("positions"))
                        matcher.next()
                    assert field.docnums(number, number + 1).tolist() == docs
                    assert field.weights[first:last].tolist() == weights
                    if field.positions is not None:
                        start, end = field.pos_starts[number], field.pos_starts[number + 1]
                        assert field.positions[start:end].tolist() == positions
                        assert field.counts[first:last].sum() == end - start
                lengths = postings.lengths.get(name)
                if lengths is not None:
                    chunks = random.sample(range(segment.doc_count_all()), 50)
                    assert [LENGTH_OF_BYTE[lengths[chunk]] for chunk in chunks] == [
                        reader.doc_field_length(chunk, name) or 0 for chunk in chunks
                    ]


def test_a_field_with_positions_keeps_its_counts_as_its_weights(index_dir):
    """A posting of a field with positions weighs its number of positions (Whoosh's, compared
    above): the file keeps no weights for it; a file written before, which kept them, is read
    with its own."""
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    segment = ix._segments()[0]
    arrays = ArrayFile(postings_file(generation, segment)).arrays
    weighed = {name.split("/")[0] for name in arrays if name.endswith("/weights")}
    positioned = {name.split("/")[0] for name in arrays if name.endswith("/positions")}
    assert "answer" in positioned and "doc_id" in weighed
    assert not weighed & positioned
    weights = np.full(len(arrays["answer/docs16"]), 2.5, dtype=np.float32)
    older = SegmentPostings({**arrays, "answer/weights": weights})
    assert set(older.fields["answer"].weights.tolist()) == {2.5}
    assert SegmentPostings(dict(arrays)).fields["answer"].weights is arrays["answer/counts"]


def test_counts_and_positions_take_the_narrowest_integers_that_hold_them(index_dir):
    """Read back as Whoosh's (compared above) whatever their width."""
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    arrays = ArrayFile(postings_file(generation, ix._segments()[0])).arrays
    # No word comes 256 times in one chunk; a title has fewer than 256 words, an answer more.
    assert arrays["answer/counts"].dtype == arrays["title/positions"].dtype == np.uint8
    assert arrays["answer/positions"].dtype == np.uint16
    widths = [
        postings_module._narrowest_unsigned(np.array([0, top])).dtype
        for top in (255, 256, 65_535, 65_536)
    ]
    assert widths == [np.uint8, np.uint16, np.uint16, np.uint32]


@pytest.mark.parametrize("widened", [0, postings_module.WIDENED_RUN])
@pytest.mark.parametrize("span", [1 << 16, 1 << 10, 1 << 7])
def test_docnums_kept_in_16_bits_read_back_as_whooshs(index_dir, monkeypatch, span, widened):
    """A docnum is kept as its low 16 bits, and where each term's postings pass each multiple
    of 65,536: spans lowered here so that the sample's segment (fewer chunks than that) has
    postings past several of them. A term's postings of given chunks are found in its docnums
    widened (a short term) or span by span (a long one; every term here with `widened` 0)."""
    monkeypatch.setattr(postings_module, "DOC_SPAN", span)
    monkeypatch.setattr(postings_module, "WIDENED_RUN", widened)
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    segment = ix._segments()[0]
    arrays = postings_module.segment_postings_arrays(generation, ix.schema, segment)
    assert arrays["answer/docs16"].dtype == np.uint16
    assert ("answer/doc_highs" in arrays) == (span < segment.doc_count_all())
    # A field of one term per chunk would spend more on the high bits than it saves.
    assert ("chunk_id/docs" in arrays) == (span < segment.doc_count_all())
    assert ("chunk_id/docs16" in arrays) != ("chunk_id/docs" in arrays)
    fields = SegmentPostings(arrays).fields
    rng = random.Random(span + widened)
    with ix.reader() as reader:

        def ids(name: str, number: int) -> list[int]:
            return list(reader.postings(name, fields[name].terms.bytes_at(number)).all_ids())

        for name in ("answer", "title_exact", "doc_id", "chunk_id"):
            field = fields[name]
            common = int(np.argmax(np.diff(field.starts)))
            for number in [common, *rng.sample(range(len(field.terms)), 30)]:
                expected = ids(name, number)
                assert field.docnums(number, number + 1).tolist() == expected
                # As numbered over the segments before it too.
                assert field.docnums(number, number + 1, 7).tolist() == [d + 7 for d in expected]
                chosen = rng.sample(expected, min(5, len(expected)))
                wanted = set(rng.sample(range(segment.doc_count_all()), 300)) | set(chosen)
                chunks = SegmentChunks(np.array(sorted(wanted), dtype=np.int64))
                found, of = field.postings_of(number, chunks)
                held = [(i, d) for i, d in enumerate(expected) if d in wanted]
                assert found.tolist() == [i for i, _ in held]
                assert of.tolist() == [d for _, d in held]
            # A run of terms, as a search for a prefix reads them.
            first = rng.randrange(len(field.terms) - 20)
            run = [docnum for number in range(first, first + 20) for docnum in ids(name, number)]
            assert field.docnums(first, first + 20).tolist() == run
            assert field.docnums(first, first + 20, 7).tolist() == [d + 7 for d in run]


@pytest.mark.parametrize("long_run, block", [(1 << 14, 64), (0, 1), (0, 3), (5, 4)])
def test_a_terms_positions_in_given_chunks_are_whooshs(index_dir, monkeypatch, long_run, block):
    # Read from the chosen chunks' postings alone: outright for a short run of postings, through
    # the totals per block for a long one (the thresholds lowered here so that the sample's
    # words take that way too, block boundaries and all).
    monkeypatch.setattr(postings_module, "LONG_RUN", long_run)
    monkeypatch.setattr(postings_module, "BLOCK", block)
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    postings = Postings.of_index(generation, ix)
    rng = random.Random(long_run + block)
    with ix.searcher() as searcher:
        for name in ("question_exact", "answer_exact", "answer"):
            common = sorted(searcher.lexicon(name), key=lambda t: -searcher.doc_frequency(name, t))
            for btext in common[:5] + rng.sample(common, 5):
                expected = {}
                matcher = searcher.postings(name, btext)
                while matcher.is_active():
                    expected[matcher.id()] = list(matcher.value_as("positions"))
                    matcher.next()
                everything = range(searcher.doc_count_all())
                # Fewer chunks than postings, about as many, and more (each way searched).
                chunk_sets = (sorted(rng.sample(everything, 40)), sorted(expected)[::3], everything)
                for chunks in chunk_sets:
                    docnums, positions = postings.places(name, btext, np.array(chunks))
                    got: dict[int, list[int]] = {}
                    for docnum, position in zip(docnums.tolist(), positions.tolist(), strict=True):
                        got.setdefault(docnum, []).append(position)
                    assert got == {c: expected[c] for c in chunks if c in expected}, btext
                    # Chunk after chunk, each of the term's postings among `chunks`.
                    assert docnums.tolist() == sorted(docnums.tolist())
                    held = set(postings.term(name, btext).docnums.tolist()) & set(chunks)
                    assert set(docnums.tolist()) == held


@pytest.mark.parametrize("widened, many", [(1 << 13, 1 << 16), (3, 1 << 16), (1 << 13, 40)])
def test_several_terms_positions_read_at_once_are_each_terms_own(
    index_dir, monkeypatch, widened, many
):
    # In one pass over the segments: the keys (chunk, position) of each term read alone,
    # together, an unknown term adding none; the short terms' postings read at once (the
    # thresholds lowered here so that long terms and long runs are read one term at a time).
    monkeypatch.setattr(postings_module, "WIDENED_RUN", widened)
    monkeypatch.setattr(postings_module, "MANY_TERMS_RUN", many)
    generation = current_generation(index_dir)
    postings = Postings.of_index(generation, whoosh_index.open_dir(str(generation)))
    context = ChunkContext(postings)
    rng = random.Random(11)
    words = ["de", "minister", "vraag", "trein", "gevangenis", "geen-zulk-woord"]
    words += [term.decode("utf-8") for term in postings.expand("question_exact", b"ver")]
    chunks = np.array(sorted(rng.sample(range(postings.doc_count_all), 300)))
    for field in ("question_exact", "answer_exact"):
        alone = [context.places(field, word, chunks) for word in words]
        together = context.places_of(field, words, chunks)
        assert together.tolist() == sorted(set(np.concatenate(alone).tolist()))
        assert len(together) > 0
        assert context.places_of(field, ["geen-zulk-woord"], chunks).tolist() == []


def test_each_word_class_is_kept_as_one_term_of_its_words_positions(index_dir):
    # The compound phrases read where any linking word or auxiliary stands through one term per
    # class; a segment written without them (an older index) has its words read one by one.
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    postings = Postings.of_index(generation, ix)
    rng = random.Random(5)
    everything = np.arange(postings.doc_count_all)
    for name in TEXT_FIELDS:
        field = exact_field(name)
        for word_class, words in WORD_CLASSES.items():
            for chunks in (everything, np.sort(rng.sample(list(everything), 60))):
                kept = _keys(*postings.class_places(field, word_class, chunks))
                by_word = [_keys(*postings.places(field, w.encode(), chunks)) for w in words]
                assert kept == sorted(set().union(*map(set, by_word)))
                assert kept or chunks is not everything
                without = Postings.of_index(generation, ix)
                for segment in without.segments:
                    del segment.fields[classes_field(field)]
                read_apart = _keys(*without.class_places(field, word_class, chunks))
                assert sorted(set(read_apart)) == kept


def _keys(docnums: np.ndarray, positions: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(docnums.tolist(), positions.tolist(), strict=True))


def _misspelt(word: str, rng: random.Random) -> str:
    """`word` with one or two random edits, its first letter mostly kept."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(rng.choice((1, 2))):
        place = rng.randrange(1 if rng.random() < 0.9 else 0, len(word) + 1)
        edit = rng.choice(("insert", "delete", "replace", "swap"))
        if edit == "insert":
            word = word[:place] + rng.choice(letters) + word[place:]
        elif edit == "delete" and len(word) > 2:
            word = word[:place] + word[place + 1 :]
        elif edit == "replace" and place < len(word):
            word = word[:place] + rng.choice(letters) + word[place + 1 :]
        elif place + 1 < len(word):
            word = word[:place] + word[place + 1] + word[place] + word[place + 2 :]
    return word


def test_the_spelling_index_finds_the_words_whoosh_finds(index_dir):
    generation = current_generation(index_dir)
    vocabulary = Vocabulary.open(generation)
    ix = whoosh_index.open_dir(str(generation))
    rng = random.Random(3)
    words = [w for w in vocabulary.words.tolist() if vocabulary.frequency(w) and w.isalpha()]
    typed = [_misspelt(word, rng) for word in rng.sample(words, 150)] + rng.sample(words, 50)
    with ix.reader() as reader:
        for form in typed:
            expected = {
                found
                for name in TEXT_FIELDS
                for found in reader.terms_within(exact_field(name), form, MAX_EDITS, prefix=1)
                if found != form
            }
            assert set(vocabulary.within(form)) == expected, form
            frequency = sum(reader.doc_frequency(exact_field(n), form) for n in TEXT_FIELDS)
            assert vocabulary.frequency(form) == frequency


def test_a_search_needs_no_lexicon_for_the_words_the_index_holds(index_dir):
    # Marking, explaining and parsing known words read the generation's vocabulary; only a
    # word the index has never seen is analysed, which loads the lexicon and simplemma.
    vocabulary = Vocabulary.open(current_generation(index_dir))
    known = "groene nummers overheidsdiensten sociale zekerheid cultuurloket freelancers"
    assert all(vocabulary.terms(word) for word in known.split())
    script = textwrap.dedent(
        f"""
        from search.engine.searching import SearchEngine
        from search.text import compounds, lemmas

        def loaded():
            return compounds.dutch_lexicon.cache_info().currsize, (
                lemmas._lemmatizer.cache_info().currsize
            )

        engine = SearchEngine({str(index_dir)!r})
        page = engine.search("groene nummers overheidsdiensten partij:MR")
        assert page.total and page.results[0].why and page.suggestion is None
        engine.document(page.results[0].id, "groene nummers")
        engine.search('"sociale zekerheid" Cultuurloket OF freelancers*')
        print(*loaded())
        engine.search("qwzkernkrachtcentralex")
        print(*loaded())
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["0 0", "1 1"]


@pytest.fixture(scope="module")
def two_process_index(sample_corpus, tmp_path_factory):
    index = tmp_path_factory.mktemp("two-processes")
    build_index(sample_corpus, index, procs=2)
    return index


def test_two_processes_index_in_the_same_order_and_rank_alike(index_dir, two_process_index):
    one, two = (DocumentTable.open(current_generation(i)) for i in (index_dir, two_process_index))
    # The build writes the chunks in corpus order, however many processes analyse them.
    assert [one.ids[o] for o in one.chunk_document] == [two.ids[o] for o in two.chunk_document]
    assert one.ids.tolist() == two.ids.tolist()
    engines = [SearchEngine(index_dir), SearchEngine(two_process_index)]
    for text in QUERIES:
        request = parse_request({"q": [text], "per_page": ["100"]})
        pages = [engine.search(request) for engine in engines]
        assert [(h.id, h.score, h.chunk, h.snippet, h.why) for h in pages[0].results] == [
            (h.id, h.score, h.chunk, h.snippet, h.why) for h in pages[1].results
        ]
        assert pages[0].facets == pages[1].facets
        assert engines[0].ranked_ids(request) == engines[1].ranked_ids(request)
    # The twelve copies of "Groene nummers" score alike: their order is the corpus order.
    [copies] = [hit for hit in engines[0].search("groene nummers").results if hit.copies]
    assert len(copies.copies) == 11 and all(copy.matched for copy in copies.copies)


@pytest.mark.parametrize(
    "chunk_ids",
    [
        ["dekamer-55-1234#0", "dekamer-55-1234#1", "vp-2019-58#12", "vp#2019#58#3", "é#007"],
        [],
        # Not as the writer makes them: each read as Python reads it.
        ["no-place", "x#"],
        ["no-place"],
        ["x#1", "y#+2"],
        ["x#1", "y#12345678901"],
        ["x#1", "y#2x"],
    ],
)
def test_chunk_ids_split_as_python_splits_them(chunk_ids):
    data = [chunk_id.encode() for chunk_id in chunk_ids]
    blob = np.frombuffer(b"".join(data), dtype=np.uint8)
    offsets = np.concatenate([[0], np.cumsum([len(d) for d in data])]).astype(np.int64)

    def split():
        parts = [chunk_id.rpartition("#") for chunk_id in chunk_ids]
        places = np.array([int(place) for _, _, place in parts], dtype=np.int32)
        return [document for document, _, _ in parts], places

    try:
        documents, places = split()
    except (ValueError, OverflowError) as error:
        with pytest.raises(type(error)):
            chunk_parts(blob, offsets)
        return
    found_documents, found_places = chunk_parts(blob, offsets)
    assert found_documents == documents
    assert found_places.dtype == np.int32
    assert found_places.tolist() == places.tolist()
