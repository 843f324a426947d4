"""Entry point of the broadcaster bundle: ``broadcaster.cli:main`` (the ``broadcaster`` script)."""

import sys

from broadcaster.cli import main

if __name__ == "__main__":
    sys.exit(main())
