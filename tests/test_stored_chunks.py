"""A chunk's stored fields, read once into a typed record: the values Whoosh gives back."""

from dataclasses import fields

from whoosh import index as whoosh_index

from search.index.generations.folders import current_generation
from search.index.generations.stored_chunks import StoredChunk, StoredChunks
from search.ingest.chunking import ChunkRef


def test_a_stored_chunk_holds_the_stored_values_typed(index_dir):
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as searcher:
        stored = StoredChunks(searcher)
        for docnum in range(searcher.doc_count_all()):
            chunk, values = stored.chunk(docnum), searcher.stored_fields(docnum)
            for field in fields(StoredChunk):
                expected = values[field.name]
                assert getattr(chunk, field.name) == (
                    tuple(expected) if field.name == "themes" else expected
                )
            assert isinstance(chunk.answered, bool) and isinstance(chunk.position, int)
            assert chunk.text == "\n".join(filter(None, (values["question"], values["answer"])))
            assert chunk.ref == ChunkRef(
                values["kind"], values["number"], values["last"], values["position"]
            )
