"""A one-line description of the machine, printed beside every speed figure.

Why: the same code measured 15 ms per graded answer on one 2-core machine and 32 ms on
another (an older AVX2 CPU without AVX-512 VNNI), so a latency figure means little without
the CPU it was taken on.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

_FLAGS_OF_INTEREST = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def describe_machine(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """CPU model, core count and the vector extensions onnxruntime's kernels depend on."""
    model, flags = platform.processor() or platform.machine(), set[str]()
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                model = value.strip()
            elif key.strip() in ("flags", "Features"):
                flags = set(value.split())
            if model and flags:
                break
    except OSError:
        pass  # not Linux: the model name from platform is all there is
    shown = [f for f in _FLAGS_OF_INTEREST if f in flags]
    extensions = ", ".join(shown) if shown else "no AVX2/AVX-512 flags seen"
    return f"{model}, {os.cpu_count() or 1} cores ({extensions})"
