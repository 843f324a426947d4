"""Entry point of the scoreboard bundle: ``desktop.app:main`` (the ``scoreboard`` script)."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
