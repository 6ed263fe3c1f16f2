"""The API's views run under two layers (the arguments' parsing and flask-smorest's response),
not one per decorator, and are documented and answered exactly as flask-smorest's own
Blueprint documents and answers them."""

from __future__ import annotations

import flask_smorest
import marshmallow as ma
import pytest
from flask import Flask, jsonify

from app.api.core import Api, Blueprint, document_errors


def _layers(view) -> list[str]:
    names = [view.__code__.co_qualname]
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
        names.append(view.__code__.co_qualname)
    return names


def test_opening_a_ticket_runs_under_the_parsing_and_the_response_layer_only(app):
    layers = _layers(app.view_functions["api_tickets.create_ticket"])

    assert len(layers) == 3, layers
    assert layers[0].startswith("Blueprint.arguments.")
    assert layers[1].startswith("ResponseMixin.response.")
    assert layers[2] == "create_ticket"


class ThingIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5))
    size = ma.fields.Integer(load_default=1)


class ThingOut(ma.Schema):
    name = ma.fields.String()
    size = ma.fields.Integer()
    item = ma.fields.Integer()


class Reference(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with this API's parser: every layer of its own."""

    ARGUMENTS_PARSER = Blueprint.ARGUMENTS_PARSER
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING


def _app(blueprint_class) -> Flask:
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0")
    api = Api(app)
    bp = blueprint_class("things", __name__, url_prefix="/things", description="Things")

    @bp.post("/<int:item>")
    @bp.arguments(ThingIn)
    @bp.response(201, ThingOut)
    @document_errors(bp, (400, 404, 409))
    def make(body: dict, item: int):
        """Make a thing."""
        return {**body, "item": item}

    @bp.get("")
    @bp.arguments(ThingIn, location="query")
    @bp.response(200, ThingOut)
    @bp.alt_response(422, response="DEFAULT_ERROR", success=False)
    def show(args: dict):
        return jsonify(args)

    api.register_blueprint(bp)
    app.extensions["things_api"] = api

    @app.errorhandler(400)
    def refused(error):
        return {"messages": error.data["messages"]}, 400

    return app


def test_views_are_documented_as_flask_smorest_documents_them():
    ours, reference = _app(Blueprint), _app(Reference)

    document = ours.extensions["things_api"].spec.to_dict()

    assert document == reference.extensions["things_api"].spec.to_dict()
    responses = document["paths"]["/things/{item}"]["post"]["responses"]
    assert set(responses) == {"201", "400", "404", "409", "default"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/things/7", {"name": "cup"}),
        ("post", "/things/7", {"name": "cup", "size": 3}),
        ("post", "/things/7", {"name": ""}),
        ("post", "/things/7", {"name": "cup", "colour": "red"}),
        ("post", "/things/7", None),
        ("post", "/things/7", "not json"),
        ("get", "/things?name=cup&size=2", None),
        ("get", "/things?size=x", None),
    ],
)
def test_views_answer_as_under_flask_smorests_layers(method, path, body):
    answers = []
    for app in (_app(Blueprint), _app(Reference)):
        client = app.test_client()
        if isinstance(body, str):
            response = client.open(path, method=method, data=body, content_type="application/json")
        else:
            response = client.open(path, method=method, json=body)
        answers.append((response.status_code, response.get_json(), response.headers.get("Content-Type")))

    assert answers[0] == answers[1]


def test_documenting_an_error_leaves_the_view_function_itself_untouched():
    bp = Blueprint("spare", __name__)

    def view():
        return "ok"

    documented = bp.alt_response(404, response="DEFAULT_ERROR")(view)

    assert documented is not view and documented.__code__ is view.__code__
    assert not hasattr(view, "_apidoc")
    assert documented._apidoc["response"]["responses"][404] == ["DEFAULT_ERROR"]
    assert documented() == "ok"
