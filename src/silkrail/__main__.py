"""Run the silkrail CLI with ``python -m silkrail``."""

from silkrail.cli import main

if __name__ == "__main__":
    main()
