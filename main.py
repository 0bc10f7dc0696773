"""`python main.py` does the same as the `kassa` command."""
import sys

from kassa.cli import main

if __name__ == "__main__":
    sys.exit(main())
