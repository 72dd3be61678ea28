"""Collectors that work the same on every platform: live processes and network sockets."""
