"""The message handlers of the server core, by area: presence, commands, terminal, heartbeat,
refresh.

Each module is one mixin class of ``ServerCore`` over the shared state of
``core/state.py`` (``CoreState``); ``ServerCore.handler_table`` maps each
client-sent type to its handler (ROLE-1, ROLE-2). Handlers stay methods of
``ServerCore``, so a broken server of the conformance catalogue can still
replace exactly one of them.
"""
