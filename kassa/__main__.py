import sys

from kassa.cli import main

sys.exit(main())
