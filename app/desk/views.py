from flask import Blueprint

bp = Blueprint("desk", __name__)


@bp.get("/")
def index():
    return "desk"
