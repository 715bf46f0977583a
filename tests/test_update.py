"""`update`: adds new, replaces changed and removes deleted documents copy-on-write, ends where
a build of the same corpus ends, changes nothing when run twice, and the running app sees it."""

import functools
import gzip
import json
import os
import shutil

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import STORED
from whoosh.reading import SegmentReader

from search.cli import main
from search.engine.request import parse_request
from search.engine.searching import SearchEngine
from search.http.app import create_app
from search.index.arrays import document_table
from search.index.arrays.document_table import DocumentTable
from search.index.generations import corpus_manifest, folders, segment_merging, update
from search.index.generations.folders import (
    CURRENT_FILE,
    LOCK_FILE,
    current_generation,
    index_exists,
    read_meta,
)
from search.index.generations.manifest import MANIFEST_FILE, write_manifest
from search.index.generations.writing import build_index, update_index
from search.text import compounds
from tests.conftest import (
    DATA,
    SAMPLE_IDS,
    assert_tables_as_computed_anew,
    chamber_records,
    file_digests,
    make_sample_corpus,
    write_jsonl,
)

# Real records outside the sample corpus, added by the update (conftest.SAMPLE_IDS).
NEW_IDS = {184701, 184721}
CHANGED_ID = 184502
REMOVED_ID = 184503
# A word no lexicon knows, so that no compound part of it matches other documents.
MARKER = "kwzqxjvb"
BROKEN = DATA / "broken"  # a small corpus: nine documents that can be read


def change_corpus(corpus):
    """Add two records, change one, delete one record and the PDF document."""
    sample = corpus / "dekamer" / "sample.jsonl.gz"
    with gzip.open(sample, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    for record in records:
        if record["doc_id"] == CHANGED_ID:
            record["answer"] += f" Een {MARKER} in het antwoord."
    write_jsonl(sample, [r for r in records if r["doc_id"] != REMOVED_ID])
    write_jsonl(corpus / "dekamer" / "nieuw.jsonl", chamber_records(NEW_IDS))
    (corpus / "vlaams-parlement" / "vrg_en_antw.235.pdf").unlink()
    return corpus


def indexed_content(index):
    """Every chunk's stored fields except where it was read from, by chunk id."""
    ix = whoosh_index.open_dir(str(current_generation(index)))
    with ix.reader() as reader:
        return {
            fields["chunk_id"]: {k: v for k, v in fields.items() if k != "origin"}
            for _, fields in reader.iter_docs()
        }


def documents(index) -> int:
    """The number of documents in the index in use."""
    return read_meta(current_generation(index))["documents"]


def snapshot(index):
    """Names, inodes, sizes and modification times of everything in the index folder but the
    writer lock, which every writer takes."""
    return {
        str(path.relative_to(index)): (
            path.stat().st_ino,
            path.stat().st_size,
            path.stat().st_mtime_ns,
        )
        for path in sorted(index.rglob("*"))
        if path.name != LOCK_FILE
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    corpus = make_sample_corpus(folder / "corpus")
    for _ in range(2):  # a current generation and a previous one, as after any rebuild
        build_index(corpus, folder / "index")
    return folder


@pytest.fixture()
def built(template, tmp_path):
    """A copy of the sample corpus and its index, for a test to change."""
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    return tmp_path / "corpus", tmp_path / "index"


def test_update_adds_replaces_and_removes_and_ends_as_a_build_would(built, tmp_path):
    corpus, index = built
    n = documents(index)
    change_corpus(corpus)
    report = update_index(corpus, index)

    assert report.incremental
    assert (report.added, report.replaced, report.unchanged) == (2, 1, n - 3)
    assert report.removed == [f"dekamer-{REMOVED_ID}", "vlpar-2023-2024-235"]
    assert report.documents_read == report.documents_indexed == n
    meta = read_meta(current_generation(index))
    assert meta["documents"] == n
    assert meta["per_source"] == {"dekamer": n - 1, "vlpar": 1}

    rebuilt = tmp_path / "rebuilt"
    build_index(corpus, rebuilt)
    assert indexed_content(index) == indexed_content(rebuilt)
    assert meta["chunks"] == read_meta(current_generation(rebuilt))["chunks"]


def test_an_updates_tables_are_those_computed_anew(built, monkeypatch):
    corpus, index = built
    change_corpus(corpus)
    # A member the previous generation did not have, whose surname is looked up anew.
    record = records_outside_the_sample()[0]
    write_jsonl(
        corpus / "dekamer" / "lid.jsonl",
        [dict(record, doc_id="999999001", aut_person="Tuinman, Zoë")],
    )
    lexicon_loads = []
    monkeypatch.setattr(
        document_table,
        "dutch_lexicon",
        lambda: lexicon_loads.append(1) or compounds.dutch_lexicon(),
    )
    update_index(corpus, index)
    assert lexicon_loads
    assert_tables_as_computed_anew(current_generation(index))

    (corpus / "dekamer" / "nieuw.jsonl").unlink()
    update_index(corpus, index)
    assert_tables_as_computed_anew(current_generation(index))


def test_an_update_without_new_members_loads_no_lexicon_for_their_surnames(built, monkeypatch):
    corpus, index = built
    (corpus / "vlaams-parlement" / "vrg_en_antw.235.pdf").unlink()
    with monkeypatch.context() as patched:
        patched.setattr(document_table, "dutch_lexicon", None)  # calling it would fail
        update_index(corpus, index)
    assert_tables_as_computed_anew(current_generation(index))


def test_update_twice_changes_nothing_the_second_time(built):
    corpus, index = built
    change_corpus(corpus)
    update_index(corpus, index)
    before = snapshot(index)

    again = update_index(corpus, index)

    assert not again.changed
    assert (again.added, again.replaced, again.removed) == (0, 0, [])
    assert again.unchanged == documents(index)
    assert again.generation == current_generation(index).name
    assert snapshot(index) == before


def test_update_never_touches_the_files_of_the_generation_in_use(built):
    corpus, index = built
    in_use = current_generation(index)
    before = file_digests(in_use)
    change_corpus(corpus)

    update_index(corpus, index)

    assert current_generation(index) != in_use
    assert file_digests(in_use) == before
    # The unchanged segment and its postings file are taken over as copies, not hard links
    # (issue 22 row 2: one damaged file took both generations down): no file is shared.
    new = current_generation(index)
    assert all(p.stat().st_nlink == 1 for p in new.iterdir())
    copied = [p for p in new.glob("MAIN_*.*") if p.name in before]
    assert sorted(p.suffix for p in copied) == [".parl", ".seg"]
    assert all(file_digests(new)[p.name] == before[p.name] for p in copied)


def test_the_running_app_sees_an_update_on_its_next_request(built):
    corpus, index = built
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    assert client.get(f"/api/search?q={MARKER}").get_json()["total"] == 0
    assert client.get(f"/api/documents/dekamer-{REMOVED_ID}").status_code == 200

    update_index(change_corpus(corpus), index)

    hits = client.get(f"/api/search?q={MARKER}").get_json()["results"]
    assert [hit["id"] for hit in hits] == [f"dekamer-{CHANGED_ID}"]
    assert client.get(f"/api/documents/dekamer-{REMOVED_ID}").status_code == 404
    assert client.get("/api/documents/dekamer-184701").status_code == 200


def test_update_without_an_index_builds_one(tmp_path):
    report = update_index(BROKEN, tmp_path / "index")
    assert not report.incremental
    assert report.documents_indexed == 9
    assert SearchEngine(tmp_path / "index").search('"Cultuurloket"').total == 1


def test_update_of_an_index_with_another_schema_rebuilds_it(tmp_path, monkeypatch):
    index = tmp_path / "index"
    build_index(BROKEN, index)
    real_schema = update.build_schema

    def schema_with_a_new_field():
        schema = real_schema()
        schema.add("facet", STORED())
        return schema

    monkeypatch.setattr(update, "build_schema", schema_with_a_new_field)
    report = update_index(BROKEN, index)
    assert not report.incremental
    assert (report.added, report.unchanged) == (9, 0)
    ix = whoosh_index.open_dir(str(current_generation(index)))
    assert "facet" in ix.schema


def as_if_built_by_another_version(index):
    """Make the index in use name a schema module this version lacks, as an index written
    before a module moved does (Whoosh pickles the schema's classes by module path)."""
    for toc in current_generation(index).glob("*.toc"):
        old = toc.read_bytes()
        # Of the same length, so that the pickle stays well formed.
        toc.write_bytes(old.replace(b"search.index.schema", b"search.schema_gone_"))
        assert toc.read_bytes() != old
    write_manifest(current_generation(index))  # as that version wrote it


def test_an_index_of_another_version_answers_503_and_update_rebuilds_it(tmp_path, runner):
    index = tmp_path / "index"
    build_index(BROKEN, index)
    as_if_built_by_another_version(index)
    assert not index_exists(index)  # so `parlsearch serve` builds it first

    response = create_app({"INDEX_DIR": str(index)}).test_client().get("/api/search?q=trein")
    assert response.status_code == 503
    assert "andere versie van Parlsearch" in response.get_json()["error"]["message"]
    query = runner.invoke(main, ["query", "trein", "--index", str(index)])
    assert query.exit_code == 1
    assert (
        "gebouwd door een andere versie van Parlsearch; voer 'parlsearch build' uit" in query.output
    )

    report = update_index(BROKEN, index)
    assert not report.incremental
    assert (report.added, report.unchanged) == (9, 0)
    assert SearchEngine(index).search('"Cultuurloket"').total == 1


def test_update_command_prints_the_summary(built, runner):
    corpus, index = built
    n = documents(index)
    change_corpus(corpus)
    args = ["update", "--corpus", str(corpus), "--index", str(index)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    summary = (
        f"2 toegevoegd, 1 vervangen, 2 verwijderd, {n - 3} ongewijzigd, 0 dubbel, 0 overgeslagen."
    )
    assert summary in first.output
    assert f"{n} documenten geïndexeerd" in first.output
    current = (index / CURRENT_FILE).read_text()

    second = runner.invoke(main, args)
    unchanged = (
        f"0 toegevoegd, 0 vervangen, 0 verwijderd, {n} ongewijzigd, 0 dubbel, 0 overgeslagen; er"
    )
    assert unchanged in second.output
    assert (index / CURRENT_FILE).read_text() == current


def test_generations_left_by_killed_writers_are_removed_by_the_next_one(built):
    corpus, index = built
    current = current_generation(index)
    previous = sorted(index.glob("gen-*"))[0]
    abandoned = index / "gen-999999-left-by-a-killed-build"
    shutil.copytree(current, abandoned)
    (abandoned / MANIFEST_FILE).unlink()  # killed before its manifest: never complete
    (index / ".CURRENT.12345.tmp").write_text(abandoned.name)

    update_index(corpus, index)  # nothing changed: no new generation, but a clean-up

    assert sorted(index.glob("gen-*")) == [previous, current]
    assert list(index.glob(".*.tmp")) == []


def test_search_after_an_update_sees_no_removed_document_and_reads_every_column(built):
    # Regression: the per-generation document table listed chunks that `update` had deleted,
    # and a segment without any value for a sortable field (here: the two new records have no
    # question-number reference) broke whoosh3's column reader.
    corpus, index = built
    update_index(change_corpus(corpus), index)
    engine = SearchEngine(index)
    assert engine.document(f"dekamer-{REMOVED_ID}") is None
    assert engine.document("vlpar-2023-2024-235") is None
    page = engine.search(parse_request({"bron": ["dekamer"], "per_page": ["100"]}))
    ids = {hit.id for hit in page.results} | {c.id for hit in page.results for c in hit.copies}
    assert f"dekamer-{REMOVED_ID}" not in ids
    assert {f"dekamer-{n}" for n in NEW_IDS} <= ids
    source = next(f for f in page.facets if f.name == "bron")
    assert sum(v.count for v in source.values) + source.other + source.missing == page.total


def test_the_document_table_lists_each_documents_live_chunks_as_whoosh_does(built):
    # Hits and document pages read a document's chunks from the table, not by a search.
    corpus, index = built
    update_index(change_corpus(corpus), index)
    ix = whoosh_index.open_dir(str(current_generation(index)))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert reader.has_deletions()
        table = DocumentTable.open(current_generation(index))
        assert table.ids
        for ordinal, doc_id in enumerate(table.ids):
            expected = list(searcher.docs_for_query(wq.Term("doc_id", doc_id)))
            assert table.chunks(ordinal) == expected, doc_id


def read_files(monkeypatch) -> list[str]:
    """Record the name of each corpus file an update reads."""
    seen = []
    real = update.read_documents

    def reading(path, skipped):
        seen.append(path.name)
        return real(path, skipped)

    monkeypatch.setattr(update, "read_documents", reading)
    return seen


def test_an_update_with_nothing_to_do_reads_neither_the_corpus_nor_the_index(built, monkeypatch):
    corpus, index = built
    in_use = current_generation(index)

    def forbidden(*args, **kwargs):
        raise AssertionError("read")

    monkeypatch.setattr(update, "read_documents", forbidden)  # no corpus file opened
    monkeypatch.setattr(corpus_manifest, "file_sha256", forbidden)  # nor hashed
    monkeypatch.setattr(folders, "verify_generation", forbidden)  # no index file checksummed
    monkeypatch.setattr(SegmentReader, "stored_fields", forbidden)  # no stored field read
    monkeypatch.setattr(SegmentReader, "iter_docs", forbidden)

    report = update_index(corpus, index)

    assert not report.changed and report.incremental
    assert report.unchanged == report.documents_indexed == documents(index)
    assert report.generation == in_use.name == current_generation(index).name


def test_an_update_reads_only_the_files_that_changed(built, tmp_path, monkeypatch):
    corpus, index = built
    write_jsonl(corpus / "dekamer" / "nieuw.jsonl", chamber_records(NEW_IDS))
    seen = read_files(monkeypatch)

    report = update_index(corpus, index)

    assert seen == ["nieuw.jsonl"]
    assert (report.files_read, report.added, report.replaced) == (1, 2, 0)
    build_index(corpus, tmp_path / "rebuilt")
    assert indexed_content(index) == indexed_content(tmp_path / "rebuilt")


def test_a_touched_file_is_hashed_not_read(built, monkeypatch):
    corpus, index = built
    sample = corpus / "dekamer" / "sample.jsonl.gz"
    os.utime(sample, ns=(sample.stat().st_atime_ns, sample.stat().st_mtime_ns + 10**9))
    seen = read_files(monkeypatch)

    report = update_index(corpus, index)

    assert seen == [] and not report.changed


def test_another_way_of_reading_documents_reads_every_file_again(built, monkeypatch):
    """After an upgrade of the parsers, the chunker or the ministers table, every file is read
    again and each document compared by its content hash: those read alike stay."""
    corpus, index = built
    monkeypatch.setattr(update, "reader_fingerprint", lambda: "a newer parser")
    seen = read_files(monkeypatch)

    report = update_index(corpus, index)

    assert sorted(seen) == sorted(path.name for path in corpus.rglob("*.*"))
    assert not report.changed and report.unchanged == documents(index)


def test_a_duplicate_counts_once_its_first_copy_is_gone(tmp_path):
    first, second = chamber_records({CHANGED_ID, REMOVED_ID})
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_jsonl(corpus / "a.jsonl", [first, second])
    write_jsonl(corpus / "b.jsonl", [dict(first, answer=f"{first['answer']} {MARKER}")])
    build_index(corpus, index)
    assert SearchEngine(index).search(MARKER).total == 0  # b's copy is a duplicate

    write_jsonl(corpus / "a.jsonl", [second])
    report = update_index(corpus, index)

    assert (report.replaced, report.duplicates, report.files_read) == (1, [], 2)
    assert SearchEngine(index).search(MARKER).total == 1
    build_index(corpus, tmp_path / "rebuilt")
    assert indexed_content(index) == indexed_content(tmp_path / "rebuilt")


@functools.cache
def records_outside_the_sample() -> list[dict]:
    return [record for record in chamber_records() if record["doc_id"] not in SAMPLE_IDS]


def add_one_document(corpus, number) -> str:
    """A corpus file of its own holding one more real record; its document id."""
    record = records_outside_the_sample()[number]
    write_jsonl(corpus / "dekamer" / f"nieuw-{number}.jsonl", [record])
    return f"dekamer-{record['doc_id']}"


def segment_count(index) -> int:
    ix = whoosh_index.open_dir(str(current_generation(index)))
    try:
        return len(ix._read_toc().segments)
    finally:
        ix.close()


def test_updates_merge_their_small_segments_once_there_are_four(built, tmp_path):
    corpus, index = built
    reports, segments = [], []
    for number in range(segment_merging.MERGE_AT):
        last = add_one_document(corpus, number)
        reports.append(update_index(corpus, index))
        segments.append(segment_count(index))
    # The build's segment and one per update, until the fourth small one: then those four
    # are one.
    assert segments == [2, 3, 4, 2]
    assert_tables_as_computed_anew(current_generation(index))
    assert [report.merged for report in reports[:-1]] == [None] * (segment_merging.MERGE_AT - 1)
    merged = reports[-1].merged
    assert merged.segments == segment_merging.MERGE_AT
    assert current_generation(index).name == merged.generation != reports[-1].generation
    build_index(corpus, tmp_path / "rebuilt")
    assert indexed_content(index) == indexed_content(tmp_path / "rebuilt")
    assert SearchEngine(index).document(last) is not None


def test_optimize_merges_the_small_segments_and_then_has_nothing_to_do(built, runner):
    corpus, index = built
    for number in range(2):
        add_one_document(corpus, number)
        update_index(corpus, index)
    before = indexed_content(index)
    assert segment_count(index) == 3

    first = runner.invoke(main, ["optimize", "--index", str(index)])
    second = runner.invoke(main, ["optimize", "--index", str(index)])

    assert first.exit_code == 0, first.output
    assert "2 kleine segmenten samengevoegd tot één" in first.output
    assert segment_count(index) == 2
    assert indexed_content(index) == before
    assert second.exit_code == 0 and "Niets samen te voegen" in second.output


def test_a_new_file_reusing_an_indexed_id_is_the_duplicate_not_the_indexed_document(tmp_path):
    """Issue 22 row 14: a new file that came first in the corpus replaced the indexed document
    silently, and the indexed one was named the duplicate."""
    first, second = chamber_records({CHANGED_ID, REMOVED_ID})
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_jsonl(corpus / "kamer.jsonl", [first, second])
    build_index(corpus, index)
    newcomer = corpus / "a-nieuw.jsonl"  # read before kamer.jsonl
    write_jsonl(newcomer, [dict(first, answer=f"{first['answer']} {MARKER}")])

    report = update_index(corpus, index)

    assert report.duplicates == [f"dekamer-{CHANGED_ID} ({newcomer}:1)"]
    assert (report.added, report.replaced, report.removed) == (0, 0, [])
    assert SearchEngine(index).search(MARKER).total == 0  # the indexed document stays
    again = update_index(corpus, index)  # nothing to do: it says the same
    assert not again.changed and again.duplicates == report.duplicates
    assert again.documents_read == again.documents_indexed + 1 == 3
    (corpus / "kamer.jsonl").unlink()  # the first copy gone: the newcomer counts
    gone = update_index(corpus, index)
    assert (gone.replaced, gone.duplicates) == (1, [])
    assert SearchEngine(index).search(MARKER).total == 1


def test_a_documents_hash_and_origin_are_stored_with_its_first_chunk_alone(index_dir):
    """Once per document, not with every chunk; an update of an index without a corpus
    manifest reads each document's hash there."""
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        chunks = [fields for _, fields in reader.iter_docs()]
    seen: set[str] = set()
    for fields in chunks:
        first = fields["doc_id"] not in seen
        seen.add(fields["doc_id"])
        assert ("content_hash" in fields) is first and ("origin" in fields) is first
    manifest = corpus_manifest.CorpusManifest.load(generation)
    documents = corpus_manifest.indexed_documents(manifest.files)
    expected = {doc_id: document.content_hash for doc_id, document in documents.items()}
    assert update._indexed_hashes(ix) == expected
    ix.close()
