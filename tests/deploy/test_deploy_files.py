"""deploy/: the files `make prod-smoke` runs stay in step with the settings they serve."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"


def _variables_read(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text()))


def test_env_example_lists_every_variable_the_installation_reads():
    read = _variables_read(
        BASE_DIR / "digiproj" / "settings.py", r'env(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"'
    )
    read |= _variables_read(DEPLOY / "gunicorn.conf.py", r'os\.environ\.get\(\s*"([A-Z0-9_]+)"')
    for script in ("celery-worker.sh", "celery-beat.sh"):
        read |= _variables_read(DEPLOY / script, r"\$\{([A-Z0-9_]+):-") - {"DIGIPROJ_VENV"}
    listed = _variables_read(DEPLOY / "env.example", r"(?m)^(?:# )?([A-Z0-9_]+)=")
    assert "DJANGO_SECRET_KEY" in read
    assert read - listed == set()


def test_env_example_reads_the_same_in_a_shell_as_in_systemd():
    """The smoke (and a technician) source the file in bash, systemd reads it as an
    EnvironmentFile: a value with a space must be quoted or bash runs its second word."""
    result = subprocess.run(
        ["bash", "-euc", f'set -a; . "{DEPLOY / "env.example"}"; env'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if re.match(r"^[A-Z0-9_]+=", line):
            value = line.split("=", 1)[1]
            assert " " not in value or value[0] == value[-1] == '"', line


def test_units_read_the_env_file_and_run_as_the_service_user():
    for name in ("digiproj-web", "digiproj-worker", "digiproj-beat"):
        unit = (DEPLOY / "systemd" / f"{name}.service").read_text()
        assert "EnvironmentFile=/etc/digiproj/env" in unit
        assert "User=digiproj" in unit
        assert "NoNewPrivileges=true" in unit


def test_nginx_sample_serves_private_files_only_internally_from_the_private_root():
    nginx = (DEPLOY / "nginx" / "digiproj.conf").read_text()
    env = (DEPLOY / "env.example").read_text()
    prefix = re.search(r"(?m)^DIGIPROJ_X_ACCEL_REDIRECT_PREFIX=(.+)$", env).group(1)
    private = re.search(r"(?m)^DJANGO_PRIVATE_ROOT=(.+)$", env).group(1)
    static = re.search(r"(?m)^DJANGO_STATIC_ROOT=(.+)$", env).group(1)
    block = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", nginx, re.S).group(1)
    assert "internal;" in block
    assert f"alias {private.rstrip('/')}/;" in block
    assert f"alias {static.rstrip('/')}/;" in nginx
    assert "/media/" not in nginx.replace("No /media/ location", "")


def test_gunicorn_access_log_leaves_out_query_strings():
    namespace: dict[str, object] = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    log_format = str(namespace["access_log_format"])
    assert "%(U)s" in log_format
    for with_query in ("%(r)s", "%(q)s", "%(f)s"):
        assert with_query not in log_format
    assert namespace["wsgi_app"] == "digiproj.wsgi:application"


def test_shell_scripts_parse():
    for script in ("smoke.sh", "celery-worker.sh", "celery-beat.sh"):
        subprocess.run(["bash", "-n", str(DEPLOY / script)], check=True)
