"""File faults under the index: a damaged or missing `CURRENT`, truncated or changed files, a
folder that cannot be written. Generations are chosen by what is provably complete (a manifest
whose files are all there with their sizes and checksums), and nothing complete is ever lost."""

import errno
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from search.cli import main
from search.engine.searching import SearchEngine
from search.http.app import create_app
from search.index.generations.folders import (
    CURRENT_FILE,
    MANIFEST_FILE,
    DamagedIndexError,
    NoIndexError,
    current_generation,
    size_fault,
)
from search.index.generations.writing import build_index, update_index
from tests.conftest import CORPUS, chamber_records, write_jsonl

KILL_AT = Path(__file__).parent / "kill_at.py"
FIRST, SECOND = 184501, 184502


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory):
    """An index of two complete generations: the older holds one record, the newer two."""
    folder = tmp_path_factory.mktemp("faults")
    first, second = chamber_records({FIRST, SECOND})
    write_jsonl(folder / "corpus" / "kamer.jsonl", [first])
    build_index(folder / "corpus", folder / "index")
    write_jsonl(folder / "corpus" / "kamer.jsonl", [first, second])
    build_index(folder / "corpus", folder / "index")
    return folder


@pytest.fixture()
def index(two_generations, tmp_path):
    shutil.copytree(two_generations, tmp_path, dirs_exist_ok=True)
    return tmp_path / "index"


def generation_folders(index: Path) -> list[Path]:
    return sorted(index.glob("gen-*"))


def documents(index: Path) -> int:
    return SearchEngine(index).search("", per_page=1).total


@pytest.mark.parametrize(
    "garbage", [b"\xff\xfe", b"zomaar iets\n", b"", b"../../etc\n", b"gen-999999-weg\n"]
)
def test_a_damaged_current_falls_back_to_the_newest_complete_generation(index, garbage):
    newest = generation_folders(index)[-1]
    (index / CURRENT_FILE).write_bytes(garbage)
    assert current_generation(index) == newest
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    assert client.get("/api/search?q=").get_json()["total"] == 2
    assert client.get("/search?q=trein").status_code == 200


def test_a_missing_current_falls_back_too_and_writers_recover(index, runner):
    (index / CURRENT_FILE).unlink()
    assert documents(index) == 2
    result = runner.invoke(main, ["stats", "--index", str(index)])
    assert result.exit_code == 0, result.output
    (index / CURRENT_FILE).write_bytes(b"\xff\xfe")
    corpus = index.parent / "corpus"
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "Beschadigd en niet gebruikt: CURRENT noemt geen generatie" in result.output
    result = runner.invoke(main, ["build", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert (index / CURRENT_FILE).read_text().strip() == generation_folders(index)[-1].name


def test_without_any_complete_generation_the_site_says_so_in_a_503(tmp_path):
    index = tmp_path / "index"
    (index / "gen-000001-half").mkdir(parents=True)
    (index / CURRENT_FILE).write_bytes(b"\xff\xfe")
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    response = client.get("/api/search?q=trein")
    assert response.status_code == 503
    assert "nog niet gebouwd" in response.get_json()["error"]["message"]


def test_a_build_killed_after_current_was_garbled_deletes_no_complete_generation(index):
    """Issue 14 row 6: the build deleted both valid generations before it was killed."""
    complete = generation_folders(index)
    (index / CURRENT_FILE).write_text("onzin")
    arguments = ["build", "--corpus", str(CORPUS), "--index", str(index)]
    killed = subprocess.run(
        [
            sys.executable,
            str(KILL_AT),
            "search.index.generations.array_writer.ArrayWriter.add_batch",
            "2",
            "--",
            *arguments,
        ],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert all(size_fault(folder) is None for folder in complete)
    assert documents(index) == 2  # still served, from the newest complete generation


def test_cleanup_keeps_the_newest_two_complete_generations(index):
    older, newer = generation_folders(index)
    half = index / "gen-000099-half-written"
    half.mkdir()
    (half / "_MAIN_1.toc").write_bytes(b"half")
    update_index(index.parent / "corpus", index)  # nothing to change: only a clean-up
    assert generation_folders(index) == [older, newer]
    build_index(index.parent / "corpus", index)
    assert generation_folders(index)[0] == newer and len(generation_folders(index)) == 2


def test_a_changed_file_is_never_mapped_and_the_request_says_so(index):
    _older, newer = generation_folders(index)
    (segment,) = newer.glob("*.seg")
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the same size, another checksum
    segment.write_bytes(bytes(data))
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    response = client.get("/api/search?q=trein")
    assert response.status_code == 503
    message = response.get_json()["error"]["message"]
    assert message == (
        f"De zoekindex {newer.name} is beschadigd: bestand {segment.name} is gewijzigd "
        "(controlesom). Voer 'parlsearch build' uit."
    )
    # Then the last intact generation serves, never the damaged one.
    assert client.get("/api/search?q=").get_json()["total"] == 1


def test_a_truncated_file_makes_its_generation_incomplete(index):
    older, newer = generation_folders(index)
    (segment,) = newer.glob("*.seg")
    size = segment.stat().st_size
    with open(segment, "r+b") as file:
        file.truncate(size // 2)
    assert size_fault(newer) == f"bestand {segment.name} is {size // 2} bytes in plaats van {size}"
    assert current_generation(index) == older
    shutil.rmtree(older)
    with pytest.raises(DamagedIndexError, match=f"{newer.name} is beschadigd: bestand"):
        current_generation(index)


def test_update_on_a_truncated_generation_says_what_is_wrong_and_recovers(index, runner):
    """Issue 14 row 8: update printed only 'Aborted!'."""
    _older, newer = generation_folders(index)
    (segment,) = newer.glob("*.seg")
    size = segment.stat().st_size
    with open(segment, "r+b") as file:
        file.truncate(size // 2)
    corpus = index.parent / "corpus"
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert (
        f"Beschadigd en niet gebruikt: {newer.name}: bestand {segment.name} is {size // 2} "
        f"bytes in plaats van {size}"
    ) in result.output
    assert "1 toegevoegd" in result.output  # brought up to date from the older generation
    assert documents(index) == 2


def test_every_file_of_a_generation_is_in_its_manifest(index):
    newest = generation_folders(index)[-1]
    listed = json.loads((newest / MANIFEST_FILE).read_text())["files"]
    on_disk = {p.name for p in newest.iterdir() if p.is_file() and "WRITELOCK" not in p.name}
    assert set(listed) == on_disk - {MANIFEST_FILE}
    assert all(len(entry["sha256"]) == 64 for entry in listed.values())


@pytest.mark.parametrize("command", ["build", "update"])
@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_an_index_folder_that_cannot_be_written_is_one_line(
    index, runner, monkeypatch, command, code
):
    """Issue 14 row 9 (as root, a read-only folder is writable: the error is raised instead)."""

    def refuse(index_dir):
        raise OSError(code, "Permission denied", str(index_dir / "gen-x"))

    monkeypatch.setattr("search.index.generations.writing.new_generation", refuse)
    before = generation_folders(index)
    corpus = index.parent / "corpus"
    # Something to do: an update that finds nothing to do writes nothing.
    write_jsonl(corpus / "nieuw.jsonl", chamber_records({SECOND + 1}))
    result = runner.invoke(main, [command, "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Fout: Kan niet schrijven in {(index / 'gen-x').resolve()}")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert generation_folders(index) == before


def test_no_index_at_all_names_the_folder_in_full(tmp_path, runner):
    result = runner.invoke(main, ["query", "trein", "--index", "nergens"])
    assert result.exit_code == 1
    assert f"Geen zoekindex in {Path('nergens').resolve()}" in result.output
    with pytest.raises(NoIndexError):
        current_generation(tmp_path)
