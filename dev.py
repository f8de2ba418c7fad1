#!/usr/bin/env python3
"""Developer entry point that needs only Python: it makes `.venv`, installs the project, then runs.

python dev.py run     # the bot (no BOT_TOKEN: the local sandbox with a terminal chat)
python dev.py test    # the test suite on SQLite, then on PostgreSQL
python dev.py check   # ruff, mypy and the import contracts (lint-imports)
python dev.py bench   # benchmarks (see bench/README.md)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
LINT_IMPORTS = VENV / ("Scripts/lint-imports.exe" if os.name == "nt" else "bin/lint-imports")
STAMP = VENV / ".installed"
SYSTEM_TOOLS = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "chromium": "chromium",  # the sandbox page's browser test (Playwright drives Debian's build)
}
# a Chinese font, so the browser shows (and screenshots) the page's text
SYSTEM_FILES = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc": "fonts-wqy-microhei",
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf": "fonts-noto-color-emoji",
}


def ensure_venv() -> None:
    """Create the virtual environment and (re)install the project whenever pyproject.toml changes."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("installing the project and its test tools into .venv …", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(digest)


def _missing_system_packages() -> list[str]:
    tools = {pkg for tool, pkg in SYSTEM_TOOLS.items() if shutil.which(tool) is None}
    files = {pkg for path, pkg in SYSTEM_FILES.items() if not Path(path).exists()}
    return sorted(tools | files)


def ensure_system_tools() -> None:
    """PDF tests need poppler, the browser test chromium and a Chinese font: install them when we may."""
    missing = _missing_system_packages()
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        install = ["apt-get", "install", "-y", "-qq", *missing]
        if subprocess.run(install, check=False, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
            subprocess.run(install, check=False, stdout=subprocess.DEVNULL)
    still = _missing_system_packages()
    if still:
        names = " ".join(still)
        print(f"note: install {names} for the PDF and browser tests (they fail without it)", file=sys.stderr)


def postgres_reachable(host: str = "127.0.0.1", port: int = 5432) -> bool:
    """Tell whether a PostgreSQL server answers, so the PostgreSQL leg can run."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def run(*args: str | Path) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT).returncode


def run_foreground(*args: str | Path) -> int:
    """Run the bot; Ctrl+C reaches it too, so wait while it saves and stops instead of killing it."""
    process = subprocess.Popen([str(a) for a in args], cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in {"run", "test", "check", "bench"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    if command == "run":
        return run_foreground(PYTHON, "-m", "bot", *rest)
    if command == "check":
        return (
            run(PYTHON, "-m", "ruff", "check", ".")
            or run(PYTHON, "-m", "mypy", "core", "bot", "scheduler", "bench")
            or run(LINT_IMPORTS, "--no-cache")
        )
    if command == "bench":
        return run(PYTHON, "-m", "bench", *rest)
    ensure_system_tools()
    status = run(PYTHON, "-m", "pytest", *rest)
    if status != 0:
        return status
    if postgres_reachable():
        print("\n=== the same suite on PostgreSQL ===", flush=True)
        return run(PYTHON, "-m", "pytest", "--db", "postgresql", *rest)
    if os.environ.get("CI"):
        print("PostgreSQL is required in CI but 127.0.0.1:5432 does not answer", file=sys.stderr)
        return 1
    print("PostgreSQL not reachable at 127.0.0.1:5432: the PostgreSQL leg was NOT run", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
