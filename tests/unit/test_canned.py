from __future__ import annotations

import pytest

from app.domain.canned import check_canned, fill_canned
from app.domain.errors import InvalidInput


def test_placeholders_are_filled_as_plain_text():
    body = "Hi {{customer.name}}, about {{ ticket.reference }}: {{agent.name}}"
    values = {"customer.name": "<b>Ada</b>", "ticket.reference": "TD-1001", "agent.name": "Theo"}
    check_canned(body)
    assert fill_canned(body, values) == "Hi <b>Ada</b>, about TD-1001: Theo"


@pytest.mark.parametrize(
    "body", ["{{ config }}", "{{ customer.password }}", "{{ ''.__class__ }}", "{{customer.name|safe}}"]
)
def test_anything_but_a_known_placeholder_is_refused(body):
    with pytest.raises(InvalidInput, match="Unknown placeholder"):
        check_canned(body)
