"""Telling the user about favourites' games when they are not looking."""
