"""`python -m search` runs the `parlsearch` command line."""

from search.cli import main

main()
