"""The one mutation strategy for store answers: replace, delete or re-wrap any value, anywhere in a JSON document.

The order mapping's, the BigCommerce client's and the imports' tests all draw their mutated answers from here.
"""
from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# What a mutation may put in a value's place: wrong types, absurd sizes, numbers that are not numbers, and text
# just past the lengths the product stores (SKUs 100, names 200, descriptions 255, CSV cells 10,000).
JSON_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["", "NaN", "-Infinity", "1e30", "-0.01", "12.5"]),
    st.text(max_size=12), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(),
                                                                                 max_size=2),
    st.sampled_from([101, 201, 256, 10_001]).map(lambda length: "x" * length),
)
ACTIONS = ["replace", "replace", "delete", "wrap"]


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document a mutation can hit."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(paths(child, (*prefix, index)))
    return found


def mutate(document: Any, path: tuple, action: str, replacement: Any) -> Any:
    """A copy of the document with the value at `path` replaced, deleted, or wrapped in a list (a list in an object)."""
    document = copy.deepcopy(document)
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "wrap":  # a list where an object belongs, or the other way round
        parent[last] = [parent[last]] if not isinstance(parent[last], list) else {"0": parent[last]}
    else:
        parent[last] = replacement
    return document


@st.composite
def mutated(draw: st.DrawFn, document: Any, *, most: int = 3) -> Any:
    """The document after one to `most` mutations, each at a place drawn from what the last one left."""
    for _ in range(draw(st.integers(min_value=1, max_value=most))):
        places = paths(document)
        if not places:
            break
        document = mutate(document, draw(st.sampled_from(places)), draw(st.sampled_from(ACTIONS)), draw(JSON_VALUES))
    return document
