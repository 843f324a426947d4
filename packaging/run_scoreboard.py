"""Entry point of the scoreboard bundle: ``desktop.app:main`` (the ``scoreboard`` script)."""

import multiprocessing
import sys

from desktop.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the broadcaster refolds corrections in a worker process
    sys.exit(main())
