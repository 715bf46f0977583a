"""Read an index generation through memory maps shared by every thread's searcher.

A Whoosh searcher cannot be shared between threads: a reader reads postings by `seek` and then
`read` on one file object, so two threads searching at once read at each other's positions
(damaged blocks, unpickling errors and wrong results, not just slowness). So each server thread
keeps its own searcher. With Whoosh's own storage that costs about 150 MB a thread on the
bundled corpus: each searcher maps the segment file anew and copies every part it opens
(postings, terms, columns) out of the map into a private buffer (`BufferFile` wraps the slice in
`io.BytesIO`, which copies anything but `bytes`).

`MappedStorage` shares what is safe to share and nothing else. Each index file is mapped once,
read-only, for all threads; every searcher gets its own file objects, each with its own
position, reading the map through zero-copy views. The files of a committed generation never
change (writers make a new generation), and a map stays valid while any view of it is alive,
even after a later build deletes the file: it is released with the last searcher that uses it.
"""

from __future__ import annotations

import mmap
import os
import threading
from array import array
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.system import IS_LITTLE

from search.index.generations.folders import DamagedIndexError

# `readline` looks for the end of a line this many bytes at a time, not copying the whole rest.
_LINE_BLOCK = 256


class MappedStorage(FileStorage):
    """A read-only Whoosh storage over one generation folder, each file mapped once."""

    def __init__(self, folder: Path, sizes: dict[str, int] | None = None) -> None:
        """`sizes`: each file's size as the generation's manifest lists it (see
        `verify_generation`); a file of another size, or not listed, is never mapped."""
        # Without `supports_mmap`, a compound segment opens its parts through `subset` of the
        # file we hand it: views of our map, not copies of Whoosh's own.
        super().__init__(str(folder), supports_mmap=False, readonly=True)
        self._folder = Path(folder)
        self._sizes = sizes
        self._maps: dict[str, memoryview] = {}
        self._maps_lock = threading.Lock()

    def open_file(self, name: str, **kwargs) -> MappedFile:
        """A new file object (its own position) reading the shared map of `name`."""
        # A view of its own, which closing the file releases; the map stays.
        return MappedFile(self._map(name)[:], name=name)

    def _map(self, name: str) -> memoryview:
        with self._maps_lock:
            if name not in self._maps:
                with open(os.path.abspath(os.path.join(self.folder, name)), "rb") as file:
                    self._check_size(name, os.fstat(file.fileno()).st_size)
                    if os.fstat(file.fileno()).st_size == 0:
                        view = memoryview(b"")
                    else:
                        view = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
                self._maps[name] = view
            return self._maps[name]

    def _check_size(self, name: str, size: int) -> None:
        if self._sizes is None:
            return
        if name not in self._sizes:
            raise DamagedIndexError(self._folder, f"bestand {name} staat niet in het manifest")
        if size != self._sizes[name]:
            fault = f"bestand {name} is {size} bytes in plaats van {self._sizes[name]}"
            raise DamagedIndexError(self._folder, fault)


class _ViewReader:
    """A read-only binary file over a memoryview: what `StructFile` and `pickle` call on it."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else self._position + size
        data = bytes(self._view[self._position : end])
        self._position += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._view)
        if size is not None and size >= 0:
            limit = min(limit, self._position + size)
        end = self._position
        while end < limit:
            block = bytes(self._view[end : min(end + _LINE_BLOCK, limit)])
            newline = block.find(b"\n")
            if newline >= 0:
                return self.read(end + newline + 1 - self._position)
            end += len(block)
        return self.read(limit - self._position)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._view)}
        self._position = base[whence] + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view.release()


class MappedFile(StructFile):
    """Whoosh's structured file over a view of a shared map; slices are read without seeking."""

    def __init__(self, view: memoryview, name: str | None = None) -> None:
        super().__init__(_ViewReader(view), name=name)
        self._view = view

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        """A part of this file as a file of its own (a part of a compound segment)."""
        # A Whoosh file's `str` is its name ("" without one).
        name = name or str(self) or None
        return MappedFile(self._view[position : position + length], name=name)

    def get(self, position: int, length: int) -> bytes:
        return bytes(self._view[position : position + length])

    def get_array(self, position: int, typecode: str, length: int) -> array:
        values = array(typecode)
        values.frombytes(self.get(position, length * values.itemsize))
        if IS_LITTLE:
            values.byteswap()
        return values
