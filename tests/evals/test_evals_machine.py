"""The machine line printed beside speed figures."""

from __future__ import annotations

from pathlib import Path

from tutor.evals.machine import describe_machine

CPUINFO = """processor\t: 0
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse2 avx avx2 fma
processor\t: 1
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse2 avx avx2 fma
"""


def test_names_the_cpu_and_the_extensions_the_kernels_use(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO)
    line = describe_machine(info)
    assert line.startswith("AMD EPYC 7B12, ")
    assert line.endswith("(avx2)")


def test_vnni_is_reported_when_present(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("model name\t: Xeon\nflags\t\t: avx2 avx512f avx512_vnni\n")
    assert describe_machine(info).endswith("(avx2, avx512f, avx512_vnni)")


def test_without_cpuinfo_it_still_describes_something(tmp_path: Path) -> None:
    line = describe_machine(tmp_path / "missing")
    assert "cores (no AVX2/AVX-512 flags seen)" in line
