"""`python -m safecheck` runs the same command line as the `safecheck` script."""

from safecheck.cli.entry import main

if __name__ == "__main__":
    main()
