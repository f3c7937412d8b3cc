"""Run the silkrail CLI with ``python -m silkrail``."""

from silkrail.cli import main

main()
