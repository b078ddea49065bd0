import sys

from gpu_runner.cli import main

sys.exit(main())
