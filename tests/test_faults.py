"""File faults under the index: a damaged or missing `CURRENT`, truncated or changed files, a
folder that cannot be written. Generations are chosen by what is provably complete (a manifest
whose files are all there with their sizes and checksums), and nothing complete is ever lost."""

import builtins
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from search.cli import main
from search.engine import generation
from search.engine.searching import SearchEngine
from search.http.app import create_app
from search.index.generations.folders import (
    CURRENT_FILE,
    DamagedIndexError,
    NoIndexError,
    current_generation,
    size_fault,
)
from search.index.generations.manifest import MANIFEST_FILE
from search.index.generations.writing import build_index, update_index
from tests.conftest import CORPUS, chamber_records, write_jsonl

KILL_AT = Path(__file__).parent / "kill_at.py"
FIRST, SECOND = 184501, 184502


def two_generations_made_by(folder: Path, second_writer) -> Path:
    """An index of two complete generations, the newer made by `second_writer` (`build_index`
    or `update_index`): the older holds one record, the newer two."""
    first, second = chamber_records({FIRST, SECOND})
    write_jsonl(folder / "corpus" / "kamer.jsonl", [first])
    build_index(folder / "corpus", folder / "index")
    write_jsonl(folder / "corpus" / "kamer.jsonl", [first, second])
    second_writer(folder / "corpus", folder / "index")
    return folder


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Two indexes of two generations each: the newer a build ("built") or an update of the
    older ("updated"), each with its corpus."""
    writers = {"built": build_index, "updated": update_index}
    return {
        name: two_generations_made_by(tmp_path_factory.mktemp(name), writer)
        for name, writer in writers.items()
    }


@pytest.fixture()
def index(templates, tmp_path):
    """A copy of the index whose generations are builds."""
    shutil.copytree(templates["built"], tmp_path, dirs_exist_ok=True)
    return tmp_path / "index"


@pytest.fixture()
def updated(templates, tmp_path):
    """A copy of the index whose newer generation is an update of the older."""
    shutil.copytree(templates["updated"], tmp_path, dirs_exist_ok=True)
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


# Issue 22: damaged files are never served silently, and the fallback survives.


@pytest.fixture()
def unreadable():
    """Make a file unreadable for as long as a block runs, as `chmod 000` does for a server that
    does not run as root: its permissions change (and so its change time), and opening it fails
    with EACCES (faked for root, whom permissions do not stop)."""

    @contextmanager
    def made_unreadable(path: Path):
        mode = path.stat().st_mode
        path.chmod(0)
        real_open, real_os_open = builtins.open, os.open

        def refused(file):
            return isinstance(file, str | Path) and Path(file) == path

        def fake_open(file, *args, **kwargs):
            if refused(file):
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        def fake_os_open(file, *args, **kwargs):
            if refused(file):
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real_os_open(file, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patched:
            if os.geteuid() == 0:
                patched.setattr(builtins, "open", fake_open)
                patched.setattr(os, "open", fake_os_open)
            try:
                yield
            finally:
                if path.exists():  # a writer may have deleted its damaged generation
                    path.chmod(mode)

    return made_unreadable


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def taken_over(generation: Path, pattern: str) -> Path:
    """A file of `generation` matching `pattern` that the update took over from the generation
    before, where there is one (the segment it did not change, say)."""
    older = generation_folders(generation.parent)[0]
    return min(generation.glob(pattern), key=lambda path: not (older / path.name).exists())


def overwrite_in_place(path: Path, at: float = 0.5) -> None:
    """Overwrite bytes of a file where they are, keeping its size (as a stray `dd` would)."""
    with open(path, "r+b") as file:
        file.seek(int(path.stat().st_size * at))
        file.write(b"\x00" * 64 + b"\xff" * 64)


def total(client) -> int | str:
    """What `/api/search?q=` answers: the number of documents, or the error message."""
    response = client.get("/api/search?q=")
    data = response.get_json()
    return data["total"] if response.status_code == 200 else data["error"]["message"]


@pytest.mark.parametrize("pattern", ["MAIN_*.parl", "MAIN_*.seg", "documents.parl", "*.toc"])
def test_bytes_overwritten_under_a_running_app_are_noticed_at_the_next_search(updated, pattern):
    """Issue 22 row 1: 18 of 30 queries changed their totals, all 200, nothing logged."""
    _older, newer = generation_folders(updated)
    client = create_app({"INDEX_DIR": str(updated)}).test_client()
    assert total(client) == 2  # the newer generation verified and mapped
    damaged = taken_over(newer, pattern)
    overwrite_in_place(damaged)
    assert total(client) == (
        f"De zoekindex {newer.name} is beschadigd: bestand {damaged.name} is gewijzigd "
        "(controlesom). Voer 'parlsearch build' uit."
    )
    # Then the intact older generation: the update copied its files, it shares none.
    assert [total(client) for _ in range(3)] == [1, 1, 1]


def test_permissions_set_right_again_bring_the_generation_back(updated, unreadable):
    _older, newer = generation_folders(updated)
    client = create_app({"INDEX_DIR": str(updated)}).test_client()
    assert total(client) == 2
    segment = taken_over(newer, "*.seg")
    with unreadable(segment):
        assert "is onleesbaar (geen leesrechten)" in total(client)
        assert total(client) == 1
    assert total(client) == 2  # its files changed again (their permissions): verified anew


def test_damage_no_stat_shows_is_found_by_verifying_again_later(updated, monkeypatch):
    """A failing disk changes bytes without a write: the generation in use is verified again
    in the background once its verification is `REVERIFY_SECONDS` old."""
    engine = SearchEngine(updated)
    assert engine.search("").total == 2
    monkeypatch.setattr(generation, "REVERIFY_SECONDS", 0.0)

    def verify_finding_damage(folder):
        raise DamagedIndexError(folder, "bestand X is gewijzigd (controlesom)")

    monkeypatch.setattr(generation, "verify_generation", verify_finding_damage)
    assert engine.search("").total == 2  # answered while it is verified again
    _wait_for(lambda: not engine._generations._reverifying)
    monkeypatch.undo()
    assert engine.search("").total == 1


def test_a_server_process_verifies_the_index_when_it_starts(updated):
    """So that a worker started after the damage agrees with the others from its first
    search on (issue 22 row 1: after a restart workers answered 200 and 503)."""
    _older, newer = generation_folders(updated)
    segment = taken_over(newer, "*.seg")
    overwrite_in_place(segment)
    engine = SearchEngine(updated)
    engine.prepare()
    assert engine.search("").total == 1


def test_a_cli_search_names_the_damage_and_answers_from_the_intact_generation(updated, runner):
    _older, newer = generation_folders(updated)
    segment = taken_over(newer, "*.seg")
    overwrite_in_place(segment)
    result = runner.invoke(main, ["query", "", "--bron", "dekamer", "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Beschadigd en niet gebruikt: {newer.name}: bestand {segment.name} is gewijzigd "
        "(controlesom)\n1 document voor ''"
    )
    result = runner.invoke(main, ["stats", "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert "documenten: 1" in result.output


def test_update_replaces_a_damaged_generation_in_use_instead_of_saying_nothing_changed(
    updated, runner
):
    """Issue 22 row 2: update said "er veranderde niets" and exited 0 while the site was down."""
    older, newer = generation_folders(updated)
    segment = taken_over(newer, "*.seg")
    overwrite_in_place(segment)
    corpus = updated.parent / "corpus"
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert "er veranderde niets" not in result.output
    assert (
        f"Beschadigd en niet gebruikt: {newer.name}: bestand {segment.name} is gewijzigd "
        "(controlesom)"
    ) in result.output
    assert "1 toegevoegd" in result.output  # brought up to date from the intact older one
    repaired = current_generation(updated)
    assert generation_folders(updated) == [older, repaired]  # the damaged one deleted
    assert documents(updated) == 2
    check = runner.invoke(main, ["verify", "--index", str(updated)])
    assert check.exit_code == 0, check.output


def test_an_update_with_no_intact_generation_left_builds_anew(updated, runner):
    older, newer = generation_folders(updated)
    shutil.rmtree(older)
    segment = taken_over(newer, "*.seg")
    overwrite_in_place(segment)
    corpus = updated.parent / "corpus"
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert "volledig gebouwd" in result.output
    assert f"Beschadigd en niet gebruikt: {newer.name}" in result.output
    assert generation_folders(updated) == [current_generation(updated)]
    assert documents(updated) == 2


def test_a_damaged_generation_in_use_with_an_unchanged_corpus_is_made_anew(updated, runner):
    corpus = updated.parent / "corpus"
    older, newer = generation_folders(updated)
    (toc,) = newer.glob("*.toc")
    overwrite_in_place(toc)
    write_jsonl(corpus / "kamer.jsonl", chamber_records({FIRST}))  # as the older was made
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert "er veranderde geen document, maar wat beschadigd was" in result.output
    assert "0 toegevoegd, 0 vervangen, 0 verwijderd, 1 ongewijzigd" in result.output
    assert generation_folders(updated) == [older, current_generation(updated)]
    assert documents(updated) == 1


def test_verify_checks_every_generation_and_fails_on_damage(updated, runner):
    older, newer = generation_folders(updated)
    ok = runner.invoke(main, ["verify", "--index", str(updated)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[0].startswith(f"{older.name}: intact, 8 bestanden, ")
    assert ok.output.splitlines()[1].startswith(f"{newer.name} (in gebruik): intact")
    assert f"CURRENT noemt {newer.name}; daarin wordt gezocht." in ok.output
    (parl,) = older.glob("MAIN_*.parl")
    overwrite_in_place(parl)  # the generation to fall back on
    damaged = runner.invoke(main, ["verify", "--index", str(updated)])
    assert damaged.exit_code == 1
    assert (
        f"{older.name}: BESCHADIGD: bestand {parl.name} is gewijzigd (controlesom)"
        in damaged.output
    )
    assert damaged.output.rstrip().endswith(
        "Fout: 1 generatie beschadigd: 'parlsearch update' (of 'build') maakt een intacte "
        "nieuwe uit het corpus en ruimt de beschadigde op."
    )


def test_verify_names_generations_that_share_files(updated, runner):
    """Generations an older version updated share their unchanged files (hard links)."""
    older, newer = generation_folders(updated)
    parl = taken_over(newer, "MAIN_*.parl")
    (older / parl.name).unlink()
    (older / parl.name).hardlink_to(parl)
    result = runner.invoke(main, ["verify", "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert f"  deelt bestanden met {newer.name} (harde koppelingen)" in result.output


def test_an_unreadable_file_is_a_damaged_generation_everywhere(updated, runner, unreadable):
    """Issue 22 row 3: 500 on every request, tracebacks in the CLI, "Kan niet schrijven"."""
    _older, newer = generation_folders(updated)
    parl = taken_over(newer, "MAIN_*.parl")
    corpus = updated.parent / "corpus"
    with unreadable(parl):
        client = create_app({"INDEX_DIR": str(updated)}).test_client()
        assert total(client) == (
            f"De zoekindex {newer.name} is beschadigd: bestand {parl.name} is onleesbaar "
            "(geen leesrechten). Voer 'parlsearch build' uit."
        )
        assert total(client) == 1
        for command, code in ((["stats"], 0), (["query", "trein"], 0), (["verify"], 1)):
            result = runner.invoke(main, [*command, "--index", str(updated)])
            assert result.exit_code == code, result.output
            assert "Traceback" not in result.output
        update = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(updated)])
        assert update.exit_code == 0, update.output
        assert "Kan niet schrijven" not in update.output
        assert f"{parl.name} is onleesbaar (geen leesrechten)" in update.output
    assert documents(updated) == 2


@pytest.mark.parametrize(
    "manifest",
    [
        b'{"files": {"_MAIN_1.toc": null}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"files": []}',
        b'{"files": {"../../etc/passwd": {"size": 1, "sha256": "' + b"0" * 64 + b'"}}}',
        b'{"files": {"_MAIN_1.toc": {"size": "9047", "sha256": "x"}}}',
        b"null",
        b"\xff\xfe",
    ],
    ids=["null-entry", "nested", "list", "path", "size-as-text", "null", "not-utf-8"],
)
@pytest.mark.parametrize("which", ["newer", "older"])
def test_a_malformed_manifest_marks_its_generation_damaged(index, runner, manifest, which):
    """Issue 22 row 4: 500 everywhere, and every command tracebacks, even `build`."""
    older, newer = generation_folders(index)
    spoilt = newer if which == "newer" else older
    (spoilt / MANIFEST_FILE).write_bytes(manifest)
    assert size_fault(spoilt).startswith(f"{MANIFEST_FILE} is misvormd") or manifest == b"null"
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    assert total(client) == (1 if which == "newer" else 2)
    corpus = index.parent / "corpus"
    for command in ("update", "build"):
        result = runner.invoke(main, [command, "--corpus", str(corpus), "--index", str(index)])
        assert result.exit_code == 0, result.output
    assert documents(index) == 2
    assert all(size_fault(folder) is None for folder in generation_folders(index))


@pytest.mark.parametrize("stray", ["copied-toc", "empty-toc", "no-files-listed"])
def test_a_file_the_manifest_does_not_list_makes_a_generation_incomplete(updated, runner, stray):
    """Issue 22 row 5: a permanent 503 "staat niet in het manifest" with an intact older
    generation, and `AssertionError`s from update and optimize."""
    _older, newer = generation_folders(updated)
    if stray == "copied-toc":
        (toc,) = newer.glob("*.toc")
        shutil.copy(toc, newer / "_MAIN_9.toc")
    elif stray == "empty-toc":
        (newer / "_MAIN_5.toc").write_bytes(b"")
    else:
        (newer / MANIFEST_FILE).write_text('{"files": {}}')
    assert size_fault(newer) is not None
    client = create_app({"INDEX_DIR": str(updated)}).test_client()
    assert total(client) == 1
    corpus = updated.parent / "corpus"
    for arguments in (["update", "--corpus", str(corpus)], ["optimize"]):
        result = runner.invoke(main, [*arguments, "--index", str(updated)])
        assert result.exit_code == 0, result.output
    assert documents(updated) == 2


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "large", "folder"])
def test_only_a_small_regular_current_file_is_read(index, runner, kind):
    """Issue 22 row 12: a FIFO hung every request; a link to /dev/zero filled the memory."""
    newest = generation_folders(index)[-1]
    current = index / CURRENT_FILE
    current.unlink()
    if kind == "fifo":
        os.mkfifo(current)
    elif kind == "dev-zero":
        current.symlink_to("/dev/zero")
    elif kind == "large":
        current.write_bytes(newest.name.encode() + b" " * 10_000_000)
    else:
        current.mkdir()
    assert current_generation(index) == newest
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    assert total(client) == 2
    corpus = index.parent / "corpus"
    if kind != "folder":  # a folder named CURRENT cannot be replaced by a file
        result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(index)])
        assert result.exit_code == 0, result.output
        assert current_generation(index) == generation_folders(index)[-1]


def test_an_unreadable_index_folder_and_a_deleted_generation_say_what_is_wrong(
    index, runner, monkeypatch
):
    """Issue 22 row 15: both said "De zoekindex is nog niet gebouwd"."""
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == index:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    with monkeypatch.context() as patched:
        patched.setattr(os, "scandir", scandir)
        client = create_app({"INDEX_DIR": str(index)}).test_client()
        response = client.get("/api/search?q=trein")
        assert response.status_code == 503
        assert response.get_json()["error"]["message"].startswith(
            "De zoekindex kan niet gelezen worden: de indexmap is onleesbaar"
        )
        result = runner.invoke(main, ["query", "trein", "--index", str(index)])
        assert result.output == (
            f"Fout: De indexmap {index.resolve()} kan niet gelezen worden (geen leesrechten).\n"
        )
    for folder in generation_folders(index):
        shutil.rmtree(folder)
    response = create_app({"INDEX_DIR": str(index)}).test_client().get("/api/search?q=trein")
    assert response.status_code == 503
    assert response.get_json()["error"]["message"] == (
        f"De zoekindex {newest_name(index)} is beschadigd: de map ontbreekt (maar CURRENT noemt "
        "haar). Voer 'parlsearch build' uit."
    )


def newest_name(index: Path) -> str:
    return (index / CURRENT_FILE).read_text().strip()


@pytest.mark.parametrize("point", ["segment", "manifest", "current"])
@pytest.mark.parametrize("command", ["build", "update"])
def test_a_full_disk_is_one_line_and_leaves_nothing_half_written(
    index, runner, monkeypatch, point, command
):
    """Issue 22 row 8: a raw `OSError: [Errno 28]` traceback."""
    full = OSError(errno.ENOSPC, "No space left on device", str(index / "gen-x" / "f"))

    def fail(*args, **kwargs):
        raise full

    if point == "segment":
        monkeypatch.setattr("search.index.generations.array_writer.ArrayWriter.write", fail)
    elif point == "manifest":
        monkeypatch.setattr("search.index.generations.writing.write_manifest", fail)
    else:
        real_replace = os.replace

        def replace(source, target):
            if Path(target).name == CURRENT_FILE:  # its temporary file written, not renamed
                fail()
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", replace)
    before = generation_folders(index)
    in_use = current_generation(index)
    corpus = index.parent / "corpus"
    write_jsonl(corpus / "nieuw.jsonl", chamber_records({SECOND + 1}))  # something to do
    result = runner.invoke(main, [command, "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Fout: Kan niet schrijven in {(index / 'gen-x' / 'f').resolve()}: de schijf is vol "
        "(No space left on device). De onvoltooide index is weggehaald; de index in gebruik "
        "blijft zoals hij is."
    )
    assert "Traceback" not in result.output
    assert generation_folders(index) == before
    assert list(index.glob(".*.tmp")) == [] and list(index.glob("*/.*.tmp")) == []
    assert current_generation(index) == in_use


@pytest.mark.parametrize("command", ["build", "update", "optimize", "query", "stats", "verify"])
def test_an_index_path_naming_a_file_is_one_line(tmp_path, runner, command):
    """Issue 22 row 8: `FileExistsError` tracebacks."""
    path = tmp_path / "index"
    path.write_text("geen map")
    arguments = [command, "--index", str(path)]
    if command in ("build", "update"):
        arguments += ["--corpus", str(CORPUS)]
    if command == "query":
        arguments.insert(1, "trein")
    result = runner.invoke(main, arguments)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Fout: ")
    assert "een bestand, geen map" in result.output
    assert path.read_text() == "geen map"


def test_an_update_counts_the_documents_it_reads_not_the_files(updated, runner):
    """Issue 22 row 15: adding 30 documents in 5 files said "Indexeren van 5 documenten"."""
    corpus = updated.parent / "corpus"
    records = [r for r in chamber_records() if r["doc_id"] not in (FIRST, SECOND)][:30]
    for number in range(5):
        write_jsonl(corpus / f"nieuw-{number}.jsonl", records[number * 6 : number * 6 + 6])
    result = runner.invoke(main, ["update", "--corpus", str(corpus), "--index", str(updated)])
    assert result.exit_code == 0, result.output
    assert "Indexeren van 30 documenten …" in result.output
    assert "30 toegevoegd" in result.output
