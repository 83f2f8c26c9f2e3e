import sys

from vner.cli import main

sys.exit(main())
