"""`python -m fakehub [--demo | --synthetic N] [--host H] [--port P]`."""

import sys

from fakehub.cli import main

sys.exit(main())
