"""The README's first two commands work after a plain install, as a newcomer would run them.

A throwaway virtualenv (no system site-packages: those would hide a missing dependency)
gets ``pip install <copy of the checkout>`` with no extras, then runs ``--version``,
``--help``, ``check-config`` and ``demo`` from a folder outside the checkout. The container
file's build (its COPY lines and its ARG defaults) is installed into the same venv where it
differs, and the same commands run again with the container's environment.

This is the slowest test in the suite (about a minute, mostly pip unpacking wheels); it is
what proves that a base dependency, or a file the container copies, is not missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO

CONTAINERFILE = REPO / "deploy" / "Containerfile"
# Nothing a checkout's user would not have, nor anything a build writes back.
IGNORE = shutil.ignore_patterns(
    ".git", "data", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv"
)


def container_build(text: str) -> tuple[dict[str, str], list[tuple[str, str]], str, dict[str, str]]:
    """The Containerfile's ARG defaults, COPY (source, destination) pairs, the argument of
    its ``pip install`` with the defaults substituted, and its ENV settings."""
    args: dict[str, str] = {}
    copies: list[tuple[str, str]] = []
    env: dict[str, str] = {}
    install = None
    # Continuation lines belong to their instruction.
    for line in re.sub(r"\\\n", " ", text).splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "ARG":
            name, _, default = words[1].partition("=")
            args[name] = default.strip("\"'")
        elif words[0] == "COPY":
            copies += [(src, words[-1]) for src in words[1:-1]]
        elif words[0] == "ENV":
            env.update(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
        elif words[0] == "RUN" and (m := re.search(r'pip install ("[^"]+"|\S+)', line)):
            install = m.group(1).strip('"')
    assert install is not None, f"{CONTAINERFILE}: no `pip install` line"
    for name, default in args.items():
        install = install.replace(f"${{{name}}}", default).replace(f"${name}", default)
    return args, copies, install, {k: v.strip('"') for k, v in env.items()}


def run_ok(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, (
        f"`{' '.join(cmd)}` exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc.stdout + proc.stderr


def clean_env(home: Path) -> dict[str, str]:
    """The environment without anything pointing back at the checkout or an existing venv."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "OISWATCH_CONFIG", "OISWATCH_DATA_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["HOME"] = str(home)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


# Every module of the installed packages imports: a dependency used only by one command
# (APScheduler by `run`) is missed by the four commands alone. A module may miss only a
# package of an optional extra (argv: their import names), as the scale-out modules do.
IMPORT_ALL = """
import importlib, pkgutil, sys
optional = set(sys.argv[1:])
failed = []
for top in ("alerts", "classifier", "config", "crawler", "oiswatch", "store"):
    package = importlib.import_module(top)
    assert "site-packages" in package.__file__, package.__file__
    for info in pkgutil.walk_packages(package.__path__, top + "."):
        # __main__ runs a command; the migrations' env script runs only inside Alembic.
        if info.name.endswith(".__main__") or info.name == "store.migrations.env":
            continue
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in optional:
                failed.append(f"{info.name}: {exc}")
        except Exception as exc:
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def optional_modules() -> list[str]:
    """Import names of the packages only the optional extras install (scale: psycopg, ...)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    base = {re.split(r"[\[<>=!~; ]", d)[0].lower() for d in project["dependencies"]}
    names = set()
    for requirements in project["optional-dependencies"].values():
        for requirement in requirements:
            name = re.split(r"[\[<>=!~; ]", requirement)[0].lower()
            if name not in base and name != "oiswatch":
                names.add(name.replace("-", "_"))
    return sorted(names)


def newcomer_commands(oiswatch: Path, cwd: Path, env: dict[str, str]) -> None:
    run_ok([str(oiswatch.parent / "python"), "-c", IMPORT_ALL, *optional_modules()], cwd, env)
    assert re.fullmatch(r"oiswatch \S+\s*", run_ok([str(oiswatch), "--version"], cwd, env))
    assert "check-config" in run_ok([str(oiswatch), "--help"], cwd, env)
    assert ": OK" in run_ok([str(oiswatch), "check-config"], cwd, env)
    demo = run_ok([str(oiswatch), "demo", "--dir", str(cwd / "demo")], cwd, env)
    assert "Alerts delivered: 4 emails" in demo, demo
    # The demo's messages were really filed by its local mailbox.
    assert len(list((cwd / "demo" / "alerts").glob("*.eml"))) == 4


def test_plain_install_and_container_build_run_the_readme_commands(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO, checkout, ignore=IGNORE)
    venv = tmp_path / "venv"
    env = clean_env(tmp_path)
    run_ok([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run_ok([*pip, str(checkout)], tmp_path, env, timeout=600)
    oiswatch = venv / "bin" / "oiswatch"
    workdir = tmp_path / "newcomer"
    workdir.mkdir()
    newcomer_commands(oiswatch, workdir, env)

    # The container image: only what the Containerfile copies, installed as it installs it.
    args, copies, install, image_env = container_build(CONTAINERFILE.read_text("utf-8"))
    context = tmp_path / "image"
    context.mkdir()
    for src, dest in copies:
        # `COPY a b ./` puts a and b in the folder; `COPY alerts ./alerts` names the target.
        target = context / dest / Path(src).name if dest.endswith("/") else context / dest
        if (REPO / src).is_dir():
            shutil.copytree(REPO / src, target, ignore=IGNORE)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / src, target)
    assert install.startswith("."), f"{CONTAINERFILE}: installs {install!r}, not the copy"
    # Our package is replaced by the image's build; extras the defaults name go on top, and
    # `pip check` proves the image's declared dependencies are all there.
    run_ok([*pip, "--force-reinstall", "--no-deps", str(context)], context, env, timeout=600)
    if install != ".":
        run_ok([*pip, str(context) + install[1:]], context, env, timeout=600)
    run_ok([str(venv / "bin" / "python"), "-m", "pip", "check"], context, env)
    data = tmp_path / "image-data"
    data.mkdir()
    config = tmp_path / "image-config.toml"
    shutil.copy2(context / "config" / "oiswatch.toml", config)
    image = {**env, **image_env, "OISWATCH_CONFIG": str(config), "OISWATCH_DATA_DIR": str(data)}
    newcomer_commands(oiswatch, data, image)
    assert "OISWATCH_EXTRAS" in args  # the test reads the argument it is about
