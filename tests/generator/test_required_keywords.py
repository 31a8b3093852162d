"""Which request fields become required keyword arguments, decided in the model (on the tiny
spec), and how the templates print them: two overloads, and **required** in the docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.build import build_model
from codegen.generate import API_REFERENCE, GENERATED_PACKAGE, render
from codegen.ir import ApiModel, EndpointModel
from codegen.spec import Spec

TINY_SPEC = Path(__file__).parent / "fixtures" / "tiny_spec.yaml"


@pytest.fixture(scope="module")
def api() -> ApiModel:
    return build_model(Spec.load(TINY_SPEC))


def _method(api: ApiModel, operation: str) -> EndpointModel:
    return next(e for e in api.methods if e.operation == operation)


def _required(endpoint: EndpointModel) -> list[str]:
    return [k.py_name for k in endpoint.keyword_fields if k.required]


def test_a_required_field_is_a_required_keyword_typed_without_none(api: ApiModel) -> None:
    create = _method(api, "create_widget")
    assert _required(create) == ["name"]
    assert create.keyword_fields[0].annotation == "str"
    assert create.overloaded


def test_a_field_the_url_path_is_made_of_is_required_though_the_spec_does_not_say_so(
    api: ApiModel,
) -> None:
    assert _required(_method(api, "get_widget")) == ["widget_id"]


def test_a_required_field_a_client_default_fills_stays_optional(api: ApiModel) -> None:
    search = _method(api, "search_widgets")
    max_results = next(k for k in search.keyword_fields if k.py_name == "max_results")
    assert not max_results.required
    assert max_results.annotation == "int | None"
    assert max_results.client_default == "50"


def test_a_required_repeated_field_is_a_required_sequence(api: ApiModel) -> None:
    search = _method(api, "search_widgets")
    assert _required(search) == ["ids"]
    assert search.keyword_fields[0].annotation == "Sequence[str]"


def test_iter_methods_require_the_same_fields_without_the_page_token(api: ApiModel) -> None:
    search = _method(api, "search_widgets")
    assert [k.py_name for k in search.page_keyword_fields] == ["ids", "active", "max_results"]
    assert search.page_overloaded


def test_a_method_without_required_fields_has_one_signature(api: ApiModel) -> None:
    gadgets = _method(api, "list_gadgets")
    assert _required(gadgets) == []
    assert not gadgets.overloaded


def test_the_docstring_names_the_required_fields_but_the_route_description_does_not(
    api: ApiModel,
) -> None:
    """The route description is also the OpenAPI operation's, read in every language."""
    create = _method(api, "create_widget")
    assert "Required: ``name``; or pass a ``CreateWidget``" in create.docstring
    assert "Required" not in create.doc


def test_two_required_members_of_one_oneof_are_refused() -> None:
    raw: dict[str, Any] = yaml.safe_load(TINY_SPEC.read_text())
    raw["messages"]["tiny.ListGadgets"]["fields"] = [
        {"name": "owner", "type": "string", "required": True, "oneof": "who"},
        {"name": "team", "type": "string", "required": True, "oneof": "who"},
    ]
    with pytest.raises(ValueError, match=r"list_gadgets: .*oneof 'who' has several required"):
        build_model(Spec.model_validate(raw))


def test_one_required_member_of_a_oneof_is_required_like_any_field() -> None:
    """The runtime and the server check that very field, whatever its siblings."""
    raw: dict[str, Any] = yaml.safe_load(TINY_SPEC.read_text())
    raw["messages"]["tiny.ListGadgets"]["fields"] = [
        {"name": "owner", "type": "string", "required": True, "oneof": "who"},
        {"name": "team", "type": "string", "oneof": "who"},
    ]
    assert _required(_method(build_model(Spec.model_validate(raw)), "list_gadgets")) == ["owner"]


def test_the_keyword_overload_has_no_default_for_a_required_field(api: ApiModel) -> None:
    mixin = render(api)[GENERATED_PACKAGE / "sync_api" / "widgets.py"]
    keyword_overload = mixin.split("def get_widget(")[2]
    assert "        *,\n        widget_id: str,\n" in keyword_overload
    request_overload = mixin.split("def get_widget(")[1]
    assert "request: GetWidget | Mapping[str, Any],\n        /," in request_overload


def test_the_api_reference_marks_required_fields_and_client_defaults(api: ApiModel) -> None:
    reference = render(api)[API_REFERENCE]
    assert "- `widget_id`: `str` **required**" in reference
    assert "- `ids`: `Sequence[str]` **required**" in reference
    assert "- `max_results`: `int | None` · sent as `50` when not given" in reference
