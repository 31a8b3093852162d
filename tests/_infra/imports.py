"""What a snippet leaves in ``sys.modules``, run in a fresh interpreter (import-footprint tests)."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs the snippet, then prints the names of the loaded modules.
_REPORT = """
import json, sys
{code}
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(code: str) -> set[str]:
    """The modules loaded after running ``code`` in a new ``python`` process."""
    result = subprocess.run(
        [sys.executable, "-c", _REPORT.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return set(loaded)
