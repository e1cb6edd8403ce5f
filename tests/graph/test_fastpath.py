from typing import Any

import strawberry

from graph.engine import fastpath, install


@strawberry.type
class Item:
    name: str
    note: str | None
    size_in_bytes: int

    @strawberry.field
    def label(self, prefix: str | None = None, upper_case: bool = False) -> str:
        text = f"{prefix or ''}{self.name}"
        return text.upper() if upper_case else text


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a", note=None, size_in_bytes=1), Item(name=None, note="n", size_in_bytes=2)]  # type: ignore[arg-type]


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    fast = strawberry.Schema(query=Query)
    install(fast)
    return strawberry.Schema(query=Query), fast


def _run(schema: strawberry.Schema, document: str) -> dict[str, Any]:
    result = schema.execute_sync(document)
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


def test_plain_resolvers_answer_as_strawberry_does_including_errors() -> None:
    """Attributes, scalar arguments (renamed and defaulted) and a null on a non-null field: same data, same error."""
    slow, fast = _schemas()
    document = '{ items { name note sizeInBytes label(prefix: "x-", upperCase: true) plain: label } }'
    assert _run(fast, document) == _run(slow, document)
    assert _run(fast, document)["errors"] == [
        ("Cannot return null for non-nullable field Item.name.", ["items", 1, "name"])
    ]


def test_install_swaps_plain_fields_and_keeps_the_schema() -> None:
    """Every Item field gets a plain resolver; the printed schema does not change."""
    slow, fast = _schemas()
    assert fast.as_str() == slow.as_str()
    item = fast._schema.type_map["Item"]
    assert all(field.resolve.__module__ == fastpath.__name__ for field in item.fields.values())  # type: ignore[union-attr]
