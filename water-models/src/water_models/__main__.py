"""``python -m water_models`` runs the ``water-models`` command."""

import sys

from water_models.cli import main

sys.exit(main())
