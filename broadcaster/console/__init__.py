"""The operator console: type a live game's events, publish them safely (issue #4).

A client of the wire protocol only (``/publish`` and ``/feed``); it never
imports the hub, the server or the journal. Modules, top to bottom::

    app.py         argparse options and ``run``: wires the parts together
    repl.py        prompt_toolkit session: prompt, completion, bottom toolbar
    script.py      the same commands from a file or stdin, no prompts
    session.py     the console core both of them drive
    links.py       asyncio websockets: the publisher and the feed, reconnecting
    outbox.py      the durable on-disk queue of publishes (fsync'd, ids kept)
    completion.py  tab completion from the grammar and the model
    views.py       PURE: games, log, pending and the toolbar, as text
    commands.py    PURE: one line of text → an event to publish, or an error
    games.py       PURE: the game commands, new and use
    words.py       PURE: tokens, teams, clock times, schema-driven arguments
    model.py       PURE: what the console knows of the games (feed + queue)
    describe.py    PURE: events and games in an operator's words
    helptext.py    PURE: ``help`` and ``help COMMAND``

This package imports nothing heavy at import time, so ``broadcaster serve``
does not pay for prompt_toolkit.
"""
