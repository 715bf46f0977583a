"""Run `parlsearch` and SIGKILL it at an exact point: `python tests/kill_at.py POINT N -- ARGS`.

POINT names a function where the code under test looks it up, as `module.name` or
`module.Class.method` (`search.index.generations.build.read_documents`, `os.link`),
optionally followed by `:return`; the process kills itself the N-th time it calls that function
(or, with `:return`, right after the N-th call returns). The function is wrapped in this
launcher only, so the production code carries no test hooks, and the process dies as abruptly
as from `kill -9`: no cleanup, no `finally`, no atexit.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys


def arm(point: str, nth: int) -> None:
    """Wrap the function named by `point` so that its `nth` call kills this process."""
    path, _, when = point.partition(":")
    owner, name = _resolve(path)
    original = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == nth and when != "return":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if calls == nth and when == "return":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


def _resolve(path: str) -> tuple[object, str]:
    """The object holding the named function (a module or a class) and the function's name."""
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:-1]:
            owner = getattr(owner, attribute)
        getattr(owner, parts[-1])  # fail early on a misspelt point
        return owner, parts[-1]
    raise ValueError(f"cannot find {path}")


def main() -> None:
    point, nth, separator, *args = sys.argv[1:]
    if separator != "--":
        raise SystemExit(__doc__)
    arm(point, int(nth))
    from search.cli import main as parlsearch

    parlsearch(args)


if __name__ == "__main__":
    main()
