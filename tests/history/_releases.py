"""The two real releases the history tests read (their wheels are cached by ``conftest.py``)."""

OLD_RELEASE = "2.22.5"  # the last 2.x: what old servers run
EARLY_3X = "3.0.1"  # logged models; the V3 trace RPCs declared but not yet served
