import sys

from oiswatch.cli import main

sys.exit(main())
