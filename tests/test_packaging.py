"""pirisk installs the Python way: pyproject.toml builds a wheel with every data file, the same pins
as requirements.txt, the workspace's database stack as an extra, and one `pirisk` command whose
subcommands reach the app and every command line. (CI builds and installs the wheel into a fresh
environment: scripts/check-install.)"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import pirisk

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
# segno: the QR code of a respondent's link; confusable-homoglyphs: look-alike account names
WORKSPACE_STACK = {"sqlalchemy", "alembic", "psycopg", "argon2-cffi", "segno", "confusable-homoglyphs"}


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, version = requirement.split("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def test_pyproject_pins_what_requirements_txt_pins_with_the_database_stack_as_an_extra() -> None:
    project = PYPROJECT["project"]
    base = _pins(project["dependencies"])
    extra = _pins(project["optional-dependencies"]["workspace"])
    required = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert {**base, **extra} == required
    assert set(extra) == WORKSPACE_STACK
    assert not set(base) & WORKSPACE_STACK, "a founder's install needs no database stack"
    assert "matplotlib" not in required, "nothing imports matplotlib"
    assert "platformdirs" in base


def test_the_build_backend_and_the_console_script() -> None:
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"
    assert all("==" in r for r in PYPROJECT["build-system"]["requires"])
    assert PYPROJECT["project"]["scripts"] == {"pirisk": "pirisk:main"}
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def _packaged(path: Path) -> bool:
    """Whether the wheel carries this file, by the package-data patterns and the package list."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    relative = path.relative_to(ROOT)
    if path.suffix == ".py":
        package = ".".join(relative.parent.parts)
        return package in setuptools["packages"] or (not package and relative.stem in setuptools["py-modules"])
    top = relative.parts[0]
    inside = relative.relative_to(top).as_posix()
    return any(fnmatch.fnmatch(inside, pattern) for pattern in setuptools["package-data"].get(top, []))


@pytest.mark.parametrize("package", ["questions", "cli", "scoring", "deliverable", "report", "store", "ui", "assets"])
def test_the_wheel_carries_every_file_of_each_package(package: str) -> None:
    files = [p for p in (ROOT / package).rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc",)]
    assert files
    missing = sorted(str(p.relative_to(ROOT)) for p in files if not _packaged(p))
    assert missing == []
    assert _packaged(ROOT / "app.py") and _packaged(ROOT / "pirisk.py")


def test_streamlit_settings_have_one_copy() -> None:
    """`streamlit run` in a checkout reads .streamlit/config.toml; `pirisk app` passes the packaged file."""
    assert (ROOT / ".streamlit" / "config.toml").resolve() == (ROOT / "assets" / "streamlit.toml").resolve()
    flags = pirisk.streamlit_flags()
    assert flags[0] == "--server.address=127.0.0.1"  # loopback unless the user says otherwise (their flags come last)
    assert "--browser.gatherUsageStats=false" in flags
    assert "--theme.primaryColor=#1f5f8b" in flags


def test_the_secrets_example_names_the_keys_the_workspace_reads() -> None:
    from store.access import HASH_SECRET
    from store.db import URL_SECRET

    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert re.search(rf"^{HASH_SECRET} = ", example, flags=re.M)
    assert re.search(rf"^# {URL_SECRET} = ", example, flags=re.M)
    assert tomllib.loads(example) == {HASH_SECRET: "$argon2id$v=19$m=65536,t=3,p=4$..."}


def test_an_install_keeps_its_database_in_the_users_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv("PIRISK_DATA_DIR", raising=False)
    pirisk.use_user_data_dir()
    assert "PIRISK_DATA_DIR" not in os.environ, "a checkout keeps data/"
    monkeypatch.setattr(pirisk, "in_checkout", lambda: False)
    pirisk.use_user_data_dir()
    assert os.environ["PIRISK_DATA_DIR"] == user_data_dir("pirisk", appauthor=False)
    monkeypatch.setenv("PIRISK_DATA_DIR", "/somewhere/else")
    pirisk.use_user_data_dir()
    assert os.environ["PIRISK_DATA_DIR"] == "/somewhere/else"


# -- the pirisk command ------------------------------------------------------------------------------


def test_pirisk_lists_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert pirisk.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("app", "score", "report", "batch", "sources", "check", "db"):
        assert f"pirisk {command}" in out
    assert pirisk.main([]) == 2
    assert "usage: pirisk COMMAND" in capsys.readouterr().err
    assert pirisk.main(["--version"]) == 0
    assert capsys.readouterr().out.strip().startswith("pirisk ")


def test_a_mistake_is_one_line_and_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert pirisk.main(["scroe", "x.json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown command 'scroe'" in err
    assert pirisk.main(["score", "no-such-file.json"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_pirisk_score_report_sources_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pirisk.main(["score", str(EXAMPLE), "--as-of", "2012-09-04", "--format", "json"]) == 0
    scored: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert set(scored["axes"]) == {"civil", "criminal", "administrative", "reputational"}
    out = tmp_path / "r.md"
    assert pirisk.main(["report", str(EXAMPLE), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("#")
    assert pirisk.main(["sources", "--as-of", "2012-09-04"]) == 0
    assert "On 2012-09-04: " in capsys.readouterr().out  # commentary and cases are not "in force" (issue 20)
    assert pirisk.main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def test_pirisk_batch(tmp_path: Path) -> None:
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"id": "a", **answers}]), encoding="utf-8")
    assert pirisk.main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of", "2012-09-04", "--no-progress"]) == 0
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 2


def test_pirisk_db_and_its_alias_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    assert pirisk.main(["db", "upgrade"]) == 0
    assert pirisk.main(["store", "info"]) == 0
    assert "sqlite" in capsys.readouterr().out.lower()
    import ui.nav

    monkeypatch.setattr(ui.nav, "workspace_available", lambda: False)
    assert pirisk.main(["db", "info"]) == 2
    assert "pip install 'pirisk[workspace]'" in capsys.readouterr().err


def test_pirisk_app_starts_streamlit_on_app_py_with_pirisks_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.web import cli as streamlit_cli

    called: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_cli.main, "main", lambda **kwargs: called.update(kwargs))
    assert pirisk.main(["app", "--server.port", "8600"]) == 0
    args = called["args"]
    assert args[:2] == ["run", str(ROOT / "app.py")]
    assert args[-2:] == ["--server.port", "8600"]  # the user's flags last, so they win
    assert "--server.address=127.0.0.1" in args


def test_the_readme_opens_with_its_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == ["make run", "make test"]
    assert (ROOT / "bench" / "run_all.py").is_file(), "make bench runs bench/run_all.py"
