"""`python -m generator` is the `answerkey` command."""

import sys

from .cli import main

sys.exit(main())
