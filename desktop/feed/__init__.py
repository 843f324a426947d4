"""The feed: pure resume logic (state), the websockets loop (connection), its Qt face (client)."""
