"""``python -m ae_tutorial``: the command line of ``ae_tutorial.cli``."""

import sys

from .cli import main

sys.exit(main())
