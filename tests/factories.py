"""factory_boy factories that keep `org` consistent, and the named people of the test world."""

import datetime as dt
from dataclasses import dataclass, field

import factory

from pacekeeper.crm import services
from pacekeeper.crm.models import Contact, Customer, Interaction, Opportunity, Sale, Tier
from pacekeeper.tenancy.models import Organization, Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, actor_for
from pacekeeper.tenancy.services import team_create

PASSWORD = "correct horse battery staple"
LONG_AGO = dt.date(2020, 1, 1)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    org = factory.SubFactory(OrganizationFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    owner = factory.SubFactory(UserFactory)
    org = factory.SelfAttribute("owner.org")
    name = factory.Sequence(lambda n: f"Customer {n}")
    external_id = factory.Sequence(lambda n: f"EXT{n:06d}")
    tier = Tier.STANDARD
    status = Customer.Status.ACTIVE
    created_on = dt.date(2026, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    name = factory.Sequence(lambda n: f"Contact {n}")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    manager = factory.SelfAttribute("customer.owner")
    summary = "Visited"

    @factory.post_generation
    def last_contact(interaction, create, extracted, **kwargs):
        """The customer's last contact follows, as the services keep it (KPIs rely on it)."""
        if create:
            services.customers_contacts_changed(org=interaction.org, customer_ids=[interaction.customer_id])


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    manager = factory.SelfAttribute("customer.owner")
    ordered_on = dt.date(2026, 3, 5)
    amount_minor = 123450
    external_id = factory.Sequence(lambda n: f"SO{n:06d}")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    manager = factory.SelfAttribute("customer.owner")
    name = "Deal"
    amount_minor = 1_000_000
    probability = 25
    stage = Opportunity.Stage.QUALIFIED
    expected_close_on = dt.date(2026, 12, 31)


@dataclass
class OrgPeople:
    org: Organization
    admin: User
    director: User
    analyst: User
    lead: User  # leads team A (and so its sub-team A1)
    other_lead: User  # leads team B
    manager: User  # in team A
    teammate: User  # in team A
    sub_manager: User  # in sub-team A1
    other_manager: User  # in team B
    branch: Team
    team_a: Team
    team_a1: Team
    team_b: Team
    customers: dict[str, Customer] = field(default_factory=dict)

    def actor(self, role_name: str) -> Actor:
        return actor_for(getattr(self, role_name))


@dataclass
class World:
    one: OrgPeople
    two: OrgPeople


def build_org(name: str, prefix: str) -> OrgPeople:
    org = OrganizationFactory(name=name)

    def person(suffix: str, role: str) -> User:
        return UserFactory(org=org, username=f"{prefix}_{suffix}", role=role, display_name=f"{prefix} {suffix}")

    people = {
        "admin": person("admin", Role.ADMIN),
        "director": person("director", Role.DIRECTOR),
        "analyst": person("analyst", Role.ANALYST),
        "lead": person("lead", Role.LEAD),
        "other_lead": person("other_lead", Role.LEAD),
        "manager": person("manager", Role.MANAGER),
        "teammate": person("teammate", Role.MANAGER),
        "sub_manager": person("sub_manager", Role.MANAGER),
        "other_manager": person("other_manager", Role.MANAGER),
    }
    branch = team_create(org=org, name=f"{prefix} branch", kind=Team.Kind.BRANCH)
    team_a = team_create(org=org, name=f"{prefix} team A", parent=branch)
    team_a1 = team_create(org=org, name=f"{prefix} team A1", kind=Team.Kind.SUBTEAM, parent=team_a)
    team_b = team_create(org=org, name=f"{prefix} team B", parent=branch)
    for user, team, is_lead in [
        (people["lead"], team_a, True),
        (people["other_lead"], team_b, True),
        (people["manager"], team_a, False),
        (people["teammate"], team_a, False),
        (people["sub_manager"], team_a1, False),
        (people["other_manager"], team_b, False),
    ]:
        TeamMembership.objects.create(org=org, team=team, user=user, is_lead=is_lead, started_on=LONG_AGO)
    result = OrgPeople(org=org, branch=branch, team_a=team_a, team_a1=team_a1, team_b=team_b, **people)
    for owner in ("manager", "teammate", "sub_manager", "other_manager", "lead"):
        result.customers[owner] = CustomerFactory(org=org, owner=people[owner], name=f"{prefix} {owner}'s customer")
    return result


def build_world() -> World:
    return World(one=build_org("Org One", "one"), two=build_org("Org Two", "two"))
