"""What a snippet leaves in ``sys.modules``, run in a fresh interpreter (import-footprint tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def json_report(code: str) -> Any:
    """Run ``code`` (with ``json`` and ``sys`` imported) in a new ``python`` process and parse
    the JSON its last printed line holds."""
    result = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def modules_after(code: str) -> set[str]:
    """The modules loaded after running ``code`` in a new ``python`` process."""
    return set(json_report(f"{code}\nprint(json.dumps(sorted(sys.modules)))"))
