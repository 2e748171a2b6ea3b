"""The task scope asks each way of seeing a task of its own index (tenancy.scopes.tasks_q): the
rows must be exactly those of the rule as first written — owner in the actor's people, OR the
customer's owner in them (through a join), OR a collaborator in them — for every role, on a
small world where each way (and none) is true of some task."""

import pytest
from django.db.models import Q

from pacekeeper.work.models import Task

ROLES = ("admin", "director", "analyst", "lead", "other_lead", "manager", "teammate", "sub_manager", "other_manager")


def _by_the_join(actor) -> set[int]:
    """The rule as first written: one OR over a join to the customers."""
    in_org = Q(org_id=actor.org_id)
    if actor.member_ids is not None:
        collaborating = Task.collaborators.through.objects.filter(user_id__in=actor.member_ids).values("task_id")
        in_org &= (
            Q(owner_id__in=actor.member_ids) | Q(customer__owner_id__in=actor.member_ids) | Q(pk__in=collaborating)
        )
    return set(Task.objects.filter(in_org).values_list("pk", flat=True))


@pytest.fixture
def tasks(world):
    """Tasks of both organisations: owned by each person, about each customer (owned by someone
    else), shared with each person, and one of each with none of these ties to a given person."""
    made = []
    for people in (world.one, world.two):
        everyone = [getattr(people, role) for role in ROLES]
        for n, owner in enumerate(everyone):
            made.append(Task.objects.create(org=people.org, owner=owner, title=f"own {n}"))
        for n, (customer_owner, customer) in enumerate(people.customers.items()):
            # Owned by someone other than the customer's owner: seen through the customer alone
            # by those who see the customer but not the task's owner.
            owner = people.other_manager if customer_owner != "other_manager" else people.manager
            made.append(Task.objects.create(org=people.org, owner=owner, customer=customer, title=f"about {n}"))
        for n, person in enumerate(everyone):
            shared = Task.objects.create(org=people.org, owner=people.other_manager, title=f"shared {n}")
            shared.collaborators.add(person)
            made.append(shared)
        done = Task.objects.create(org=people.org, owner=people.sub_manager, title="done", status="done")
        done.collaborators.add(people.teammate)
        made.append(done)
    return made


def test_the_indexed_scope_keeps_exactly_the_rows_of_the_joined_rule(world, tasks):
    for people, role in ((people, role) for people in (world.one, world.two) for role in ROLES):
        actor = people.actor(role)
        expected = _by_the_join(actor)
        found = set(Task.objects.visible_to(actor).values_list("pk", flat=True))
        assert found == expected
        assert expected  # everyone sees something here: the comparison is not of two empty sets
        # The same with the board's status filter and ordering on top (the query the board sends).
        columns = set(Task.objects.visible_to(actor).filter(status__in=("todo", "done")).values_list("pk", flat=True))
        assert columns == {pk for pk in expected if Task.objects.get(pk=pk).status in ("todo", "done")}


def test_a_lead_sees_a_task_through_each_way_alone(world, tasks):
    one = world.one
    lead = one.actor("lead")
    seen = set(Task.objects.visible_to(lead).values_list("title", flat=True))
    assert {"own 3", "own 5"} <= seen  # owned by the lead, by a manager of team A
    assert "about 0" in seen  # team B's manager's task about the lead's manager's customer
    assert "shared 5" in seen  # team B's manager's task shared with the lead's manager
    assert "own 8" not in seen and "shared 8" not in seen  # team B's manager's own, shared in team B
    assert not set(Task.objects.filter(org=world.two.org).values_list("pk", flat=True)) & set(
        Task.objects.visible_to(lead).values_list("pk", flat=True)
    )
