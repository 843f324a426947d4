"""``python -m desktop`` runs the scoreboard."""

import sys

from desktop.app import main

sys.exit(main())
