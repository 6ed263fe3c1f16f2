from flask import Blueprint

bp = Blueprint("portal", __name__)


@bp.get("/")
def home():
    return "portal"


@bp.get("/new")
def new_request():
    return "new"
