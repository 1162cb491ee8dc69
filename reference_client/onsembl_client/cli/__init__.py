"""``onsembl dashboard`` and ``onsembl agent``: the reference client by hand.

Registered in the entry-point group ``onsembl_spec.commands`` (``pyproject.toml``);
each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args)``.
"""
