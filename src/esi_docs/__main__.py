"""Allow `python -m esi_docs`."""

from esi_docs.cli import main

main()
