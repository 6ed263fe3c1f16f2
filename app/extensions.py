"""Extension instances, bound to an app in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from app.csrf_tokens import KeptSerializerCSRFProtect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The models' base class: a plain typed declarative base, so type checkers see real classes."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # Every model maps one Table (DeclarativeBase allows any FromClause), so Core statements
        # may name a model's table and its columns.
        __table__: ClassVar[Table]


# Flask-SQLAlchemy adopts Base's metadata as db.metadata, which create_all and the migrations read;
# the models subclass Base itself (db.Model is built at run time and is opaque to type checkers).
db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = KeptSerializerCSRFProtect()
