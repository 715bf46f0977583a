"""`python -m search` runs the `parlsearch` command line."""

from search.cli import main

# Guarded: indexing workers (`build --procs N`) are spawned and import this module again.
if __name__ == "__main__":
    main()
