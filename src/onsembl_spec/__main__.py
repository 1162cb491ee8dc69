"""``python -m onsembl_spec`` is the ``onsembl`` command."""

from __future__ import annotations

import sys

from onsembl_spec.cli import main

sys.exit(main())
