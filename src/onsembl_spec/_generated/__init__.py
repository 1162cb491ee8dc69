# Generated from schemas by `onsembl generate`; do not edit.
# Source sha256: 6161b1d1bcb41ae7c2ed2e10ffa78ff898e3d193291cc3232eb5f670aade0bdd
"""Code generated from the schemas by ``onsembl generate`` (see ``validators``)."""
