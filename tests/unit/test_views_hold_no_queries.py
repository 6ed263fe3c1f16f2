"""The web layer parses input, calls a service and renders: it never reaches for the database
itself. Every read and write goes through app/services/."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
WEB_PACKAGES = ("desk", "admin", "portal", "auth", "kb", "attachments", "api")
WEB_MODULES = ("main.py",)
FORBIDDEN_MODULES = ("sqlalchemy", "flask_sqlalchemy")
# Model classes carry Flask-SQLAlchemy's `Model.query`; only the column helpers may be imported.
MODEL_HELPERS = ("app.models.types",)


def _web_files() -> list[Path]:
    files = [path for package in WEB_PACKAGES for path in sorted((APP / package).rglob("*.py"))]
    return files + [APP / name for name in WEB_MODULES]


def _is_forbidden_module(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN_MODULES)


def _is_model_module(name: str) -> bool:
    return (name == "app.models" or name.startswith("app.models.")) and name not in MODEL_HELPERS


def _is_db(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "db") or (
        isinstance(node, ast.Attribute) and node.attr == "db"
    )


def _offences(source: str, filename: str = "<web>") -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _is_forbidden_module(a.name)]
            found += [f"import {a.name}" for a in node.names if a.name == "app.extensions"]
            found += [f"import {a.name}" for a in node.names if _is_model_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if _is_forbidden_module(node.module):
                found.append(f"from {node.module} import …")
            elif node.module == "app.extensions" and "db" in names:
                found.append("from app.extensions import db")
            elif node.module == "app" and names & {"extensions", "models"}:
                found.append(f"from app import {', '.join(sorted(names & {'extensions', 'models'}))}")
            elif _is_model_module(node.module):
                found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Attribute) and node.attr == "session" and _is_db(node.value):
            found.append(f"db.session (line {node.lineno})")
    return found


def test_views_neither_import_the_database_or_models_nor_use_the_session():
    files = _web_files()
    assert len(files) > 20, "the web packages were not found"
    offenders = {
        f"{path.relative_to(APP)}: {what}"
        for path in files
        for what in _offences(path.read_text(), str(path))
    }
    assert offenders == set()


def test_the_check_itself_catches_each_way_in():
    bad = (
        "from sqlalchemy import select\n"
        "import sqlalchemy.orm\n"
        "from app.extensions import db, login_manager\n"
        "from app import extensions\n"
        "from app.models import Ticket\n"
        "import app.models.kb\n"
        "def view():\n"
        "    db.session.rollback()\n"
        "    extensions.db.session.get(object, 1)\n"
    )
    assert _offences(bad) == [
        "from sqlalchemy import …",
        "import sqlalchemy.orm",
        "from app.extensions import db",
        "from app import extensions",
        "from app.models import …",
        "import app.models.kb",
        "db.session (line 8)",
        "db.session (line 9)",
    ]


def test_the_check_leaves_the_login_manager_time_helpers_and_cookie_session_alone():
    fine = (
        "from flask import session\n"
        "from app.extensions import login_manager\n"
        "from app.models.types import utcnow\n"
        "session.clear()\n"
    )
    assert _offences(fine) == []
