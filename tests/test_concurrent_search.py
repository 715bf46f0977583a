"""Many threads searching one engine while builds swap index generations underneath: every
search answers exactly what a lone search answers, on whichever generation it started.

The threads share each generation's memory-mapped files and document table, each with its own
Whoosh searcher (`search.index.generations.mapped_storage` says why a searcher itself cannot be
shared). Python is made to switch threads every millisecond instead of every five, so that reads
interleave more; with one searcher shared by all threads this test fails at once (damaged
postings blocks, wrong answers)."""

import subprocess
import sys
import threading
import time
from collections import Counter

from search.engine.searching import SearchEngine
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index

THREADS = 4
QUERIES = (
    "trein",
    "veiligheid",
    "groene nummers",
    '"sociale zekerheid"',
    "belasting*",
    "fiets OF trein",
    "NMBS NIET trein",
    "Cultuurloket",
)
DOCUMENT = "dekamer-184501"
# Two full builds of the same corpus, in another process as `parlsearch build` would run.
BUILD_TWICE = (
    "import sys; from search.index.generations.writing import build_index\n"
    "for _ in range(2): build_index(sys.argv[1], sys.argv[2])"
)


def answer(engine: SearchEngine, query: str) -> tuple:
    page = engine.search(query, per_page=20)
    return page.total, [(hit.id, hit.score, hit.snippet) for hit in page.results]


def test_threads_search_correctly_while_builds_swap_generations(sample_corpus, tmp_path):
    index = tmp_path / "index"
    build_index(sample_corpus, index)
    lone = SearchEngine(index)
    expected = {query: answer(lone, query) for query in QUERIES}
    expected_document = lone.document(DOCUMENT, "trein").chunks
    lone.close()

    engine = SearchEngine(index)
    stop = threading.Event()
    failures: list[str] = []
    generations: Counter[str] = Counter()

    def search_until_stopped(offset: int) -> None:
        try:
            while not stop.is_set():
                for query in QUERIES[offset:] + QUERIES[:offset]:
                    generations[current_generation(index).name] += 1
                    if answer(engine, query) != expected[query]:
                        failures.append(f"wrong answer for {query!r}")
                    # Leave the builds some time: they share the machine's cores.
                    time.sleep(0.01)
                if engine.document(DOCUMENT, "trein").chunks != expected_document:
                    failures.append("wrong document page")
        except Exception as error:
            failures.append(repr(error))
        finally:
            engine.close()

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-3)
    threads = [
        threading.Thread(target=search_until_stopped, args=(n % len(QUERIES),))
        for n in range(THREADS)
    ]
    try:
        for thread in threads:
            thread.start()
        builds = subprocess.run(
            [sys.executable, "-c", BUILD_TWICE, str(sample_corpus), str(index)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        sys.setswitchinterval(switch_interval)

    assert builds.returncode == 0, builds.stderr
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    # Searches ran on the first generation and on both that the builds swapped in.
    assert len(generations) == 3, generations
    assert sum(generations.values()) > len(QUERIES) * THREADS
