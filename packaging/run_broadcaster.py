"""Entry point of the broadcaster bundle: ``broadcaster.cli:main`` (the ``broadcaster`` script)."""

import multiprocessing
import sys

from broadcaster.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the broadcaster refolds corrections in a worker process
    sys.exit(main())
