"""Peak memory of a process from ``/proc/self/status`` (Linux), without psutil."""

from __future__ import annotations

from pathlib import Path

__all__ = ["parse_vm_hwm", "vm_hwm_mib"]


def parse_vm_hwm(status: str) -> float:
    """VmHWM (peak resident set) in MiB from the text of ``/proc/<pid>/status``."""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise ValueError("no VmHWM line in the status text")


def vm_hwm_mib() -> float:
    """This process's peak resident set so far, in MiB."""
    return parse_vm_hwm(Path("/proc/self/status").read_text())
