"""The guard that proves the course runs offline and never unpickles a checkpoint."""

import os
import socket
import subprocess
import sys

import pytest
import torch


def test_connections_to_other_hosts_are_blocked():
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_name_lookups_are_blocked():
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("example.com", 443)


def test_loopback_stays_open_for_the_kernel():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()


def test_torch_load_is_blocked_here():
    with pytest.raises(RuntimeError, match="torch.load .* is blocked"):
        torch.load("anything.pt")


def test_child_processes_such_as_notebook_kernels_are_guarded_too():
    code = ("import socket, torch\n"
            "try:\n    socket.create_connection(('8.8.8.8', 53), timeout=1)\n"
            "except OSError as e:\n    print('net:', e)\n"
            "try:\n    torch.load('x.pt')\nexcept RuntimeError as e:\n    print('load:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True,
                         text=True).stdout
    assert "net: network access blocked" in out and "load: torch.load (pickle) is blocked" in out
