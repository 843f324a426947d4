"""Qt item models over plain state values (no widgets)."""
