"""Run the reference client with one fault: ``python broken_client.py FAULT ROLE``.

The fault (``client_faults.FAULTS``) replaces one named function or method of
``onsembl_client``; then ``onsembl ROLE`` runs as ``onsembl check-client`` starts it,
configured by the docs/check-client.md environment.
"""

from __future__ import annotations

import sys

from client_faults import FAULTS

from onsembl_spec.cli import main

if __name__ == "__main__":
    fault, role = sys.argv[1], sys.argv[2]
    FAULTS[fault]()
    sys.exit(main([role]))
