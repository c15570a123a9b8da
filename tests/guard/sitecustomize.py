"""Test guard, loaded by every Python process the tests start (unit tests and notebook kernels).

The tests put this folder on PYTHONPATH and set COURSEKIT_TEST_GUARD=1; Python
then imports this file at start-up, and from then on:

* any connection to a host other than this machine raises ``NetworkBlocked``
  (offline is proven, not hoped: loopback stays open for Jupyter's kernel);
* ``torch.load`` raises ``PickleBlocked``: checkpoints must load through safetensors.
"""

import ipaddress
import os
import socket
import sys


class NetworkBlocked(OSError):
    pass


class PickleBlocked(RuntimeError):
    pass


def _local(host):
    if host in ("localhost", "", None) or str(host).endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard_address(address):
    if isinstance(address, tuple) and address and not _local(address[0]):
        raise NetworkBlocked(f"network access blocked by the course's tests: connection to {address!r}. "
                             "Course code must run offline.")


def _install_network_guard():
    connect, connect_ex, sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
    getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        _guard_address(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        _guard_address(address)
        return connect_ex(self, address)

    def guarded_sendto(self, data, *args):
        _guard_address(args[-1])
        return sendto(self, data, *args)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _local(host if not isinstance(host, bytes) else host.decode()):
            raise NetworkBlocked(f"network access blocked by the course's tests: name lookup of {host!r}.")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = guarded_connect, guarded_connect_ex
    socket.socket.sendto, socket.getaddrinfo = guarded_sendto, guarded_getaddrinfo


def _block_torch_load(torch):
    def blocked(*args, **kwargs):
        raise PickleBlocked("torch.load (pickle) is blocked by the course's tests: "
                            "load checkpoints with ck.checkpoint.read / ck.zoo.load (safetensors).")

    torch.load = blocked


class _PatchTorchOnImport:
    """Meta-path hook: once ``torch`` is imported, replace ``torch.load`` (import stays lazy)."""

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec("torch")
        loader_exec = spec.loader.exec_module

        def exec_module(module):
            loader_exec(module)
            _block_torch_load(module)

        spec.loader.exec_module = exec_module
        return spec


if os.environ.get("COURSEKIT_TEST_GUARD") == "1":
    _install_network_guard()
    if "torch" in sys.modules:
        _block_torch_load(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, _PatchTorchOnImport())
