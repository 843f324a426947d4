"""Who may publish and read: named operator tokens, their scopes, and the back-off.

tokens.py   PURE: names, secrets, salted hashes, scopes, the token file's text
backoff.py  PURE: per-address back-off after wrong tokens (time passed in)
store.py    the token file on disk: atomic 0600 writes, reloaded when it changes
gate.py     the server's one door: admit a handshake, authorize each publish
cli.py      ``broadcaster token add|revoke|list``
"""
