"""``python -u -m berth_worker``: run one worker (see docs/worker-protocol.md)."""

import sys

from .main import main

sys.exit(main())
