"""Saved views: named queries per agent, or shared by a lead."""

from __future__ import annotations

import pytest

from deskterm.domain.desk import Desk
from deskterm.domain.views.saved import ViewExists, delete_view, list_views, save_view
from deskterm.errors import InvalidInput, NotFound, PermissionDenied
from support import as_agent


def test_saved_view_is_listed_for_its_owner_only(desk: Desk) -> None:
    save_view(desk, "VPN fires", "tag:vpn is:unsolved", sort="priority")
    assert [(v.name, v.query, v.sort, v.owner) for v in list_views(desk)] == [
        ("VPN fires", "tag:vpn is:unsolved", "priority", "alice")
    ]
    assert list_views(as_agent(desk, "bob")) == []


def test_saving_a_view_again_by_name_replaces_it(desk: Desk) -> None:
    save_view(desk, "Mine", "is:mine")
    save_view(desk, "Mine", "is:mine priority:>=high")
    assert [v.query for v in list_views(desk)] == ["is:mine priority:>=high"]


def test_views_are_listed_in_the_order_they_were_saved(desk: Desk) -> None:
    carol = as_agent(desk, "carol")
    save_view(desk, "Zulu", "tag:z")
    save_view(carol, "Team", "is:unsolved", shared=True)
    save_view(desk, "Alpha", "tag:a")
    save_view(desk, "Zulu", "tag:zz")  # replacing keeps its place
    assert [v.name for v in list_views(desk)] == ["Zulu", "Team", "Alpha"]


def test_saving_under_an_existing_name_without_replace_is_refused(desk: Desk) -> None:
    save_view(desk, "Mine", "is:mine")
    with pytest.raises(ViewExists) as caught:
        save_view(desk, "Mine", "priority:high", replace=False)
    assert (caught.value.name, caught.value.query) == ("Mine", "is:mine")
    assert [v.query for v in list_views(desk)] == ["is:mine"]


def test_shared_view_needs_a_lead_and_is_seen_by_everyone(desk: Desk) -> None:
    bob, carol = as_agent(desk, "bob"), as_agent(desk, "carol")
    with pytest.raises(PermissionDenied):
        save_view(bob, "Team", "is:unsolved", shared=True)
    save_view(carol, "Team", "is:unsolved", shared=True)
    assert [(v.name, v.owner) for v in list_views(bob)] == [("Team", None)]


def test_a_view_with_a_bad_query_or_name_is_refused(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as caught:
        save_view(desk, "Broken", "status:opne")
    assert caught.value.caret() is not None
    with pytest.raises(InvalidInput):
        save_view(desk, "   ", "is:mine")
    assert list_views(desk) == []


def test_deleting_views(desk: Desk) -> None:
    save_view(desk, "Old", "is:mine")
    delete_view(desk, "Old")
    assert list_views(desk) == []
    with pytest.raises(NotFound):
        delete_view(desk, "Old")
