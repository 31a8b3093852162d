"""Parsing of /proc files and the instant server's canned answers."""

from __future__ import annotations

from benchmarks.instant_server import response_for
from benchmarks.netstat import parse_proc_net_tcp
from benchmarks.procinfo import parse_vm_hwm
from benchmarks.timing import rotate

_TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0
   2: 0100007F:C351 0100007F:1F90 06 00000000:00000000 00:00000000 00000000     0
   3: 0100007F:0016 0100007F:C352 01 00000000:00000000 00:00000000 00000000     0
"""


def test_proc_net_tcp_yields_the_peer_port_of_each_connection_to_the_port() -> None:
    assert parse_proc_net_tcp(_TCP, 0x1F90) == {0xC350, 0xC351}


def test_vm_hwm_is_read_in_mib() -> None:
    assert parse_vm_hwm("Name:\tpython\nVmHWM:\t  20480 kB\nVmRSS:\t 100 kB\n") == 20.0


def test_rotate_starts_each_round_at_the_next_contender() -> None:
    assert rotate(["a", "b", "c"], 4) == ["b", "c", "a"]


def test_instant_response_declares_the_length_of_its_body() -> None:
    head, _, body = response_for("/api/2.0/mlflow/runs/get?run_id=x", True).partition(b"\r\n\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
