"""What the generator reads: the schema files (and, for docs, ``docs/spec.md``), and their hash.

Every generated file names the hash of its sources in its header, so a reader
can tell which schemas it was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from onsembl_spec import resources
from onsembl_spec.resources import hash_files
from onsembl_spec.schemas import SchemaSet, load_schemas
from onsembl_spec.spec import Requirement, parse_spec


@dataclass(frozen=True, eq=False)
class Sources:
    """The inputs of one generation run."""

    schemas: SchemaSet
    spec_text: str
    requirements: tuple[Requirement, ...]
    schema_hash: str
    docs_hash: str


def load_sources(schema_dir: Path | None = None, spec_file: Path | None = None) -> Sources:
    """Read the schemas and the spec (the bundled ones by default) and hash them."""
    schema_dir = resources.schemas_dir() if schema_dir is None else schema_dir
    spec_file = resources.spec_path() if spec_file is None else spec_file
    schemas = load_schemas(schema_dir)
    spec_bytes = spec_file.read_bytes()
    spec_text = spec_bytes.decode("utf-8")
    return Sources(
        schemas=schemas,
        spec_text=spec_text,
        requirements=tuple(parse_spec(spec_text).values()),
        schema_hash=hash_files(schema_dir),
        docs_hash=hash_files(schema_dir, (("docs/spec.md", spec_bytes),)),
    )
