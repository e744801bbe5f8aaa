"""Builds the native module of the mmdreg package with CMake (no network, no build isolation needed).

Metadata lives in pyproject.toml; this file only teaches setuptools how to build `mmdreg._core`.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def read_version() -> str:
    header = (ROOT / "include" / "mmdreg" / "version.hpp").read_text()
    return re.search(r'#define MMDREG_VERSION_STRING "([^"]+)"', header).group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        build_dir = Path(self.build_temp).resolve() / "cmake"
        config = os.environ.get("MMDREG_BUILD_TYPE", "Release")
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={config}",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DMMDREG_BUILD_PYTHON=ON", "-DMMDREG_BUILD_TESTS=OFF", "-DMMDREG_BUILD_EXAMPLES=OFF",
            "-DMMDREG_BUILD_BENCH=OFF", "-DMMDREG_BUILD_FUZZ=OFF", "-DMMDREG_BUILD_CAPI=OFF",
            "-DMMDREG_INSTALL=OFF",
        ]
        if subprocess.run(["ninja", "--version"], capture_output=True).returncode == 0:
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_core",
                        "-j", str(os.cpu_count() or 1)], check=True)
        built = next((build_dir / "python" / "mmdreg").glob("_core*.so"))
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(built), str(target))


setup(
    version=read_version(),
    ext_modules=[CMakeExtension("mmdreg._core")],
    cmdclass={"build_ext": CMakeBuild},
)
