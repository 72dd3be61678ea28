"""The command line: thin adapters that parse, call the engine, render and exit."""
