import datetime as dt

from pacekeeper.crm.models import Customer
from pacekeeper.tenancy.models import Role, TeamMembership
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.tenancy.services import membership_start, team_move


def _visible_owner_names(actor) -> set[str]:
    return {c.owner.username for c in Customer.objects.visible_to(actor).select_related("owner")}


def test_it_shows_a_lead_their_team_and_its_subteams(world):
    lead = world.one.actor("lead")
    assert _visible_owner_names(lead) == {"one_manager", "one_teammate", "one_sub_manager", "one_lead"}


def test_it_shows_a_manager_only_their_own_customers(world):
    assert _visible_owner_names(world.one.actor("manager")) == {"one_manager"}


def test_it_shows_the_director_and_analyst_the_whole_organisation_only(world):
    for role in ("director", "analyst", "admin"):
        owners = _visible_owner_names(world.one.actor(role))
        assert owners == {"one_manager", "one_teammate", "one_sub_manager", "one_other_manager", "one_lead"}


def test_it_follows_a_person_who_changes_team(world):
    """Moving a manager from team A to team B moves their portfolio to the other lead's view."""
    today = world.one.actor("lead").today()
    membership_start(user=world.one.manager, team=world.one.team_b, started_on=today)
    assert "one_manager" not in _visible_owner_names(actor_for(world.one.lead))
    assert "one_manager" in _visible_owner_names(actor_for(world.one.other_lead))
    ended = TeamMembership.objects.get(user=world.one.manager, team=world.one.team_a)
    assert ended.ended_on == today - dt.timedelta(days=1)


def test_it_applies_a_demotion_on_the_next_request(world, client):
    client.force_login(world.one.director)
    assert client.get("/api/v1/customers").json()["count"] == 5
    world.one.director.role = Role.MANAGER
    world.one.director.save(update_fields=["role"])
    assert client.get("/api/v1/customers").json()["count"] == 0


def test_it_refuses_a_deactivated_user_at_once(world, client):
    client.force_login(world.one.manager)
    world.one.manager.is_active = False
    world.one.manager.save(update_fields=["is_active"])
    assert client.get("/api/v1/customers").status_code == 401


def test_it_keeps_subtrees_right_when_a_team_moves(world):
    """Hanging sub-team A1 under team B takes its people out of lead A's view into lead B's."""
    team_move(actor=world.one.actor("admin"), team=world.one.team_a1, parent=world.one.team_b)
    assert "one_sub_manager" not in _visible_owner_names(actor_for(world.one.lead))
    assert "one_sub_manager" in _visible_owner_names(actor_for(world.one.other_lead))
