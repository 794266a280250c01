"""Unit tests of the pure group-tree rules (no database).

The property tests draw random *forests* (``group_id -> parent_id`` maps without cycles) and
compare each rule of ``seatledger.domain.group_tree`` with an independent computation that
walks the tree top-down (children lists) rather than bottom-up (parent links).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatledger.domain import group_tree
from seatledger.domain.errors import Conflict

Parents = dict[str, str | None]


@st.composite
def forests(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> Parents:
    """A valid forest: each group's parent is None or a group placed before it.

    Labels are shuffled so that "parent placed before" says nothing about label order, and
    the mapping is built in a shuffled order too.
    """
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    labels = draw(st.permutations([f"g{index}" for index in range(size)]))
    parents: Parents = {}
    for position, label in enumerate(labels):
        if position == 0:
            parents[label] = None
        else:
            parent = draw(st.none() | st.integers(min_value=0, max_value=position - 1))
            parents[label] = None if parent is None else labels[parent]
    order = draw(st.permutations(list(parents)))
    return {label: parents[label] for label in order}


def children_of(parents: Mapping[str, str | None]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {group: [] for group in parents}
    for group, parent in parents.items():
        if parent is not None:
            children[parent].append(group)
    return children


def subtree(parents: Mapping[str, str | None], root: str) -> set[str]:
    """``root`` and every descendant, found by walking down the children lists."""
    children = children_of(parents)
    found = {root}
    todo = [root]
    while todo:
        for child in children[todo.pop()]:
            found.add(child)
            todo.append(child)
    return found


def depth_below(parents: Mapping[str, str | None], ancestor: str, group: str) -> int | None:
    """How many parent links lead from ``group`` up to ``ancestor`` (None: not an ancestor)."""
    distance = 0
    current: str | None = group
    while current is not None:
        if current == ancestor:
            return distance
        current = parents[current]
        distance += 1
    return None


@st.composite
def forest_and_grants(draw: st.DrawFn) -> tuple[Parents, set[str]]:
    parents = draw(forests())
    grants = draw(st.sets(st.sampled_from(sorted(parents)), max_size=len(parents)))
    return parents, grants


@st.composite
def forest_and_two_groups(draw: st.DrawFn) -> tuple[Parents, str, str]:
    parents = draw(forests())
    group = draw(st.sampled_from(sorted(parents)))
    new_parent = draw(st.sampled_from(sorted(parents)))
    return parents, group, new_parent


# --- ancestors ---------------------------------------------------------------------------------


def test_ancestors_of_a_root_is_itself() -> None:
    assert group_tree.ancestors({"a": None}, "a") == ["a"]


def test_ancestors_goes_self_first_up_to_the_root() -> None:
    parents: Parents = {"root": None, "mid": "root", "leaf": "mid", "other": "root"}
    assert group_tree.ancestors(parents, "leaf") == ["leaf", "mid", "root"]
    assert group_tree.ancestors(parents, "other") == ["other", "root"]


def test_ancestors_of_an_unknown_group_is_just_that_group() -> None:
    assert group_tree.ancestors({"a": None}, "zzz") == ["zzz"]


@pytest.mark.parametrize(
    ("parents", "start"),
    [
        ({"a": "a"}, "a"),
        ({"a": "b", "b": "a"}, "a"),
        ({"a": "b", "b": "c", "c": "b"}, "a"),
    ],
)
def test_ancestors_refuses_a_corrupt_mapping_with_a_cycle(parents: Parents, start: str) -> None:
    with pytest.raises(ValueError, match="cycle"):
        group_tree.ancestors(parents, start)


@given(forests())
def test_ancestors_is_the_chain_of_parent_links(parents: Parents) -> None:
    for group in parents:
        chain = group_tree.ancestors(parents, group)
        assert chain[0] == group
        assert parents[chain[-1]] is None  # ends at a root
        for child, parent in itertools.pairwise(chain):
            assert parents[child] == parent
        assert len(set(chain)) == len(chain)
        # every ancestor has the group in its subtree, and nothing else does
        assert set(chain) == {other for other in parents if group in subtree(parents, other)}


# --- ensure_no_cycle ---------------------------------------------------------------------------


def test_ensure_no_cycle_refuses_moving_under_itself() -> None:
    with pytest.raises(Conflict) as refused:
        group_tree.ensure_no_cycle(group_id="a", new_parent_lineage=["a"])
    assert refused.value.code == "group_cycle"


def test_ensure_no_cycle_refuses_moving_under_a_descendant() -> None:
    parents: Parents = {"a": None, "b": "a", "c": "b"}
    with pytest.raises(Conflict) as refused:
        group_tree.ensure_no_cycle(
            group_id="a", new_parent_lineage=group_tree.ancestors(parents, "c")
        )
    assert refused.value.code == "group_cycle"


def test_ensure_no_cycle_allows_moving_under_a_sibling_or_an_ancestor() -> None:
    parents: Parents = {"a": None, "b": "a", "c": "a", "d": "c"}
    group_tree.ensure_no_cycle(group_id="d", new_parent_lineage=group_tree.ancestors(parents, "b"))
    group_tree.ensure_no_cycle(group_id="d", new_parent_lineage=group_tree.ancestors(parents, "a"))


def test_ensure_no_cycle_accepts_any_iterable_lineage() -> None:
    with pytest.raises(Conflict):
        group_tree.ensure_no_cycle(group_id="x", new_parent_lineage=iter(["y", "x"]))
    group_tree.ensure_no_cycle(group_id="x", new_parent_lineage=iter([]))


@given(forest_and_two_groups())
def test_ensure_no_cycle_refuses_exactly_the_groups_own_subtree(
    case: tuple[Parents, str, str],
) -> None:
    parents, group, new_parent = case
    would_cycle = new_parent in subtree(parents, group)
    lineage = group_tree.ancestors(parents, new_parent)
    if would_cycle:
        with pytest.raises(Conflict) as refused:
            group_tree.ensure_no_cycle(group_id=group, new_parent_lineage=lineage)
        assert refused.value.code == "group_cycle"
    else:
        group_tree.ensure_no_cycle(group_id=group, new_parent_lineage=lineage)
        # and the move it allowed leaves a forest
        moved = {**parents, group: new_parent}
        for member in moved:
            group_tree.ancestors(moved, member)


# --- is_agent_of / nearest_grant / agent_reach -------------------------------------------------


def test_is_agent_of() -> None:
    assert group_tree.is_agent_of(["c", "b", "a"], {"a"})
    assert group_tree.is_agent_of(["c", "b", "a"], ["c", "zzz"])
    assert not group_tree.is_agent_of(["c", "b", "a"], {"zzz"})
    assert not group_tree.is_agent_of(["c", "b", "a"], set())
    assert not group_tree.is_agent_of([], {"a"})


def test_nearest_grant_prefers_self_then_the_closest_ancestor() -> None:
    assert group_tree.nearest_grant(["c", "b", "a"], {"a", "c"}) == "c"
    assert group_tree.nearest_grant(["c", "b", "a"], {"a", "b"}) == "b"
    assert group_tree.nearest_grant(["c", "b", "a"], ["a"]) == "a"
    assert group_tree.nearest_grant(["c", "b", "a"], {"zzz"}) is None
    assert group_tree.nearest_grant(["c", "b", "a"], []) is None


def test_agent_reach_covers_granted_groups_and_their_descendants_only() -> None:
    parents: Parents = {"r": None, "a": "r", "a1": "a", "b": "r", "s": None}
    assert group_tree.agent_reach(parents, {"a"}) == {"a", "a1"}
    assert group_tree.agent_reach(parents, {"r"}) == {"r", "a", "a1", "b"}
    assert group_tree.agent_reach(parents, {"a1", "s"}) == {"a1", "s"}
    assert group_tree.agent_reach(parents, set()) == set()
    # a grant on a group that is not in the tree reaches nothing
    assert group_tree.agent_reach(parents, {"gone"}) == set()


@given(forest_and_grants())
def test_agent_reach_is_every_group_with_a_granted_ancestor_or_self(
    case: tuple[Parents, set[str]],
) -> None:
    parents, grants = case
    expected: set[str] = set()
    for granted in grants:
        expected |= subtree(parents, granted)
    assert group_tree.agent_reach(parents, grants) == expected
    for group in parents:
        lineage = group_tree.ancestors(parents, group)
        assert group_tree.is_agent_of(lineage, grants) == (group in expected)


@given(forest_and_grants())
def test_nearest_grant_is_the_closest_granted_ancestor_or_self(
    case: tuple[Parents, set[str]],
) -> None:
    parents, grants = case
    for group in parents:
        via = group_tree.nearest_grant(group_tree.ancestors(parents, group), grants)
        distances = {
            granted: depth_below(parents, granted, group)
            for granted in grants
            if depth_below(parents, granted, group) is not None
        }
        if not distances:
            assert via is None
        else:
            assert via is not None
            assert distances[via] == min(distances.values())
            assert group in subtree(parents, via)
