"""onsembl-spec: the Onsembl WebSocket API as executable truth.

The public Python API:

* :func:`validate` checks one decoded message and returns its problems
  (an empty list when it is valid); the first is the one a server reports
  in ``validation:error.field`` (requirement VAL-2 of ``docs/spec.md``).
* :func:`validate_text` does the same for the text of one frame.
* :data:`MESSAGE_TYPES` lists the 26 message types.
"""

from __future__ import annotations

from onsembl_spec.errors import OnsemblError
from onsembl_spec.schemas import MESSAGE_TYPES, SchemaSet, load_schemas
from onsembl_spec.validation import Issue, validate, validate_text

__version__ = "0.1.0"

__all__ = [
    "MESSAGE_TYPES",
    "Issue",
    "OnsemblError",
    "SchemaSet",
    "__version__",
    "load_schemas",
    "validate",
    "validate_text",
]
