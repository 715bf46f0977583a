"""Shared fixtures: a small real corpus (selected Chamber records and both Flemish documents),
indexed once per test session, and the Flask app, client and CLI runner on top of it."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.app import create_app
from search.indexing import build_index
from search.searching import SearchEngine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CHAMBER_FILE = CORPUS / "dekamer" / "qrva-2017.jsonl.gz"
SEED_TXT = CORPUS / "vlaams-parlement" / "vrg_en_antw.58.txt"
PDF_235 = CORPUS / "vlaams-parlement" / "vrg_en_antw.235.pdf"
DATA = Path(__file__).resolve().parent / "data"

# A record with "sociaal" and "zekerheid" apart, never "sociale zekerheid".
SOCIAL_APART_ID = 192783
# The first 62 records of 2017 (doc ids 184501-184700), the "Groene nummers" question filed
# with twelve ministers, a few records about social security, for ranking and phrase tests, and
# two about the "wederbeleggingsvergoeding", for spelling suggestions.
SAMPLE_IDS = (
    set(range(184501, 184701))
    | set(range(190130, 190141))
    | {190161, 184802, 184984, 185060}
    | {SOCIAL_APART_ID}
    | {186856, 188866}
)
SAMPLE_DOCUMENTS = 83
# A real record with markup added to its title and answer, to prove that text is escaped, and a
# citation of the bundled Flemish question nr. 58, to prove that cross-references resolve.
HOSTILE_ID = 999999001
HOSTILE_MARKUP = "<script>alert('parlsearch')</script>"
HOSTILE_CITATION = "Zie ook vraag nr. 58 van 9 december 2019."


def chamber_records(ids: set[int] | None = None) -> list[dict]:
    """Real Chamber records from the bundled corpus (all, or those with the given doc ids)."""
    with gzip.open(CHAMBER_FILE, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return [r for r in records if ids is None or r["doc_id"] in ids]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def file_digests(folder: Path) -> dict[str, str]:
    """The SHA-256 of each file in a folder, by name: to show that nothing wrote into it."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.iterdir()
        if path.is_file()
    }


def make_sample_corpus(folder: Path) -> Path:
    """Write the sample corpus into `folder` and return it."""
    records = chamber_records(SAMPLE_IDS)
    hostile = dict(next(r for r in records if r["doc_id"] == 184502))
    hostile["doc_id"] = HOSTILE_ID
    hostile["question"] = hostile["question"].replace("\n", f" {HOSTILE_MARKUP}\n", 1)
    hostile["answer"] = f"{hostile['answer']} {HOSTILE_MARKUP} {HOSTILE_CITATION}"
    write_jsonl(folder / "dekamer" / "sample.jsonl.gz", [*records, hostile])
    flemish = folder / "vlaams-parlement"
    flemish.mkdir(parents=True)
    shutil.copy(SEED_TXT, flemish)
    shutil.copy(PDF_235, flemish)
    return folder


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> Path:
    return make_sample_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def index_dir(sample_corpus, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    build_index(sample_corpus, folder)
    return folder


@pytest.fixture(scope="session")
def engine(index_dir) -> SearchEngine:
    return SearchEngine(index_dir)


@pytest.fixture()
def app(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
