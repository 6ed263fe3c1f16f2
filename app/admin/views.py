from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/")
def index():
    return "admin"
