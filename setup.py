"""Builds the native module of the mmdreg package with CMake (no network, no build isolation needed).

Metadata lives in pyproject.toml; this file only teaches setuptools how to build `mmdreg._core`.
When the quick start's build tree (build/release, or $MMDREG_BUILD_DIR) was made for a Python with
this one's extension suffix, its `_core` is brought up to date and reused instead of a second build.
"""
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def require_bdist_wheel() -> None:
    """pip runs `setup.py dist_info` and `bdist_wheel`; setuptools before 70.1 has bdist_wheel only
    through the separate `wheel` package, and pip cannot fetch it offline: say so instead of
    setuptools' "invalid command 'bdist_wheel'"."""
    if not {"bdist_wheel", "dist_info"} & set(sys.argv[1:]):
        return
    try:
        import wheel  # noqa: F401
    except ImportError:
        try:
            import setuptools.command.bdist_wheel  # noqa: F401
        except ImportError:
            sys.exit(
                f"mmdreg: this Python ({sys.executable}) cannot build wheels: its setuptools has no "
                "bdist_wheel command and the 'wheel' package is not installed (pip cannot fetch it "
                "offline). Install it for this Python, or use Debian's: "
                "/usr/bin/python3 -m venv --system-site-packages .venv && "
                ".venv/bin/python -m pip install --no-build-isolation .")


require_bdist_wheel()


def read_version() -> str:
    header = (ROOT / "include" / "mmdreg" / "version.hpp").read_text()
    return re.search(r'#define MMDREG_VERSION_STRING "([^"]+)"', header).group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


def cache_entry(cache: Path, name: str) -> str:
    match = re.search(rf"^{name}:[A-Z]+=(.*)$", cache.read_text(), re.MULTILINE)
    return match.group(1) if match else ""


def reusable_build_dir() -> "Path | None":
    """The quick start's release tree, when its native module fits this Python."""
    build_dir = Path(os.environ.get("MMDREG_BUILD_DIR", ROOT / "build" / "release"))
    cache = build_dir / "CMakeCache.txt"
    if not cache.is_file():
        return None
    if (cache_entry(cache, "MMDREG_BUILD_PYTHON") != "ON"
            or cache_entry(cache, "MMDREG_SANITIZE") == "ON"
            or cache_entry(cache, "CMAKE_HOME_DIRECTORY") != str(ROOT)):
        return None
    python = cache_entry(cache, "Python_EXECUTABLE")
    if not python:
        return None
    probe = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
        capture_output=True, text=True)
    ours = sysconfig.get_config_var("EXT_SUFFIX")
    return build_dir if probe.returncode == 0 and probe.stdout.strip() == ours else None


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        reused = reusable_build_dir()
        if reused is not None:
            print(f"mmdreg: reusing the build tree {reused}")
            subprocess.run(["cmake", "--build", str(reused), "--target", "_core"], check=True)
            self.install_module(reused, target)
            return
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
        self.install_module(build_dir, target)

    def install_module(self, build_dir: Path, target: Path) -> None:
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = build_dir / "python" / "mmdreg" / f"_core{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(built), str(target))


setup(
    version=read_version(),
    ext_modules=[CMakeExtension("mmdreg._core")],
    cmdclass={"build_ext": CMakeBuild},
)
