"""Scorecast broadcaster: publishes live sports events over WebSockets from a durable journal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("scorecast")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
