"""The keys, as Help → Keyboard lists them (docs/desktop.md has the same table)."""

KEYS_HELP = """Tab / Shift+Tab, arrow keys: move between games
Enter or Space: open the game's detail (Escape closes it)
F: favourite the game's teams (favourites come first)
Ctrl+F: search    Ctrl+G: first game    F5: reconnect now
Ctrl+H: hide scores (R on a game reveals it)    Ctrl+T: ticker
Ctrl+,: settings    Ctrl+Q: quit"""
