"""`oiswatch web` and `oiswatch web add-user` as an operator runs them."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import requests
from kit import Proc, free_port, oiswatch, oiswatch_run, stop_all, wait_until, write_config

from config import load_config
from desk.auth import check_password


def listening_on(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def test_add_user_prints_an_entry_whose_hash_logs_in_and_not_the_password(tmp_path: Path):
    result = oiswatch("web", "add-user", "Dana Q", "--password-stdin", stdin="s3cret pass!\n")
    assert result.returncode == 0, result.stderr
    assert "s3cret pass!" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["[[web.users]]", 'name = "Dana Q"']
    assert lines[2].startswith('password_hash = "$argon2id$')
    config = load_config(write_config(tmp_path, result.stdout))
    assert check_password(config.web, "Dana Q", "s3cret pass!")
    assert not check_password(config.web, "Dana Q", "s3cret pass")
    assert not check_password(config.web, "Dana", "s3cret pass!")


def test_add_user_refuses_a_short_password(tmp_path: Path):
    result = oiswatch("web", "add-user", "dana", "--password-stdin", stdin="short\n")
    assert result.returncode == 2
    assert "at least 8 characters" in result.stderr
    assert "[[web.users]]" not in result.stdout


def test_web_serves_the_desk_on_loopback(tmp_path: Path):
    port = free_port()
    config = write_config(tmp_path, f"[web]\nport = {port}\n")
    proc = Proc("web", ["--config", str(config), "web"], tmp_path / "web.log")
    try:
        wait_until("the desk answers", lambda: "desk: http://127.0.0.1:" in proc.log(),
                   watch=proc)  # fmt: skip
        page = requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert page.status_code == 200 and "Log in to the desk" in page.text
        assert "oiswatch web add-user" in page.text  # no editor configured yet
        answer = requests.get(f"http://127.0.0.1:{port}/incidents", timeout=10)
        assert answer.status_code == 401
        # Loopback only by default: the kernel's table lists the port on 127.0.0.1 alone.
        assert listening_on(port) == {"0100007F"}
    finally:
        codes = stop_all([proc])
    assert codes["web"] == 0, proc.log()


def test_a_port_in_use_is_one_error_line(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, f"[web]\nport = {port}\n")
        result = oiswatch("--config", str(config), "web", timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"oiswatch: the desk cannot listen on 127.0.0.1:{port}: Address already in use "
        "(set [web] port, or enabled = false)"
    ], result.stderr


def test_run_serves_the_desk_beside_the_daemon_and_stops_cleanly(tmp_path: Path):
    port = free_port()
    entry = oiswatch("web", "add-user", "dana", "--password-stdin", stdin="long enough\n")
    config = write_config(tmp_path, f"[web]\nport = {port}\n", entry.stdout)
    proc = oiswatch_run(config, tmp_path / "run.log")
    try:
        wait_until("the daemon runs", lambda: "oiswatch running" in proc.log(), watch=proc)
        desk = requests.Session()
        page = desk.get(f"http://127.0.0.1:{port}/login", timeout=10)
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token, page.text
        form = {"csrf": token.group(1), "name": "dana", "password": "long enough"}
        answer = desk.post(f"http://127.0.0.1:{port}/login", data=form, timeout=10)
        assert answer.status_code == 200 and "Incidents" in answer.text
        assert listening_on(port) == {"0100007F"}
    finally:
        codes = stop_all([proc])
    assert codes["run"] == 0, proc.log()
    assert "oiswatch stopped" in proc.log()
    assert not listening_on(port)


def test_run_with_the_desk_port_in_use_says_so_in_one_line(tmp_path: Path):
    entry = oiswatch("web", "add-user", "dana", "--password-stdin", stdin="long enough\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, f"[web]\nport = {port}\n", entry.stdout)
        result = oiswatch("--config", str(config), "run", timeout=60)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if "oiswatch:" in line]
    assert errors == [
        f"oiswatch: the desk cannot listen on 127.0.0.1:{port}: Address already in use "
        "(set [web] port, or enabled = false)"
    ], result.stderr
    assert "Traceback" not in result.stderr
