"""app/domain/ holds the rules; it must not reach for the web framework or the database."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
FORBIDDEN = (
    "flask",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "sqlalchemy",
    "app.models",
    "app.services",
    "app.extensions",
)


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_domain_imports_no_flask_sqlalchemy_or_models():
    files = sorted(DOMAIN.glob("*.py"))
    assert files, "app/domain has no modules"
    offenders = {f"{path.name}: {name}" for path in files for name in _imports(path) if _forbidden(name)}
    assert not offenders


def test_the_check_itself_catches_a_flask_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import current_app\nimport sqlalchemy.orm\n")
    assert [n for n in _imports(bad) if _forbidden(n)] == ["flask", "sqlalchemy.orm"]
