"""The back office (Django admin) for superusers only, scoped to their organisation; org admins
work in Settings (tests/tenancy/test_settings_pages.py)."""

import pytest

from pacekeeper.tenancy.models import AuditEntry, Role, User


@pytest.fixture
def superuser(world):
    """The operator: an org admin who is also a superuser."""
    world.one.admin.is_superuser = True
    world.one.admin.save(update_fields=["is_superuser"])
    return world.one.admin


def test_it_lets_only_superusers_in(world, client, superuser):
    for role in ("director", "lead", "manager", "analyst", "admin"):
        person = getattr(world.two, role)
        client.force_login(person)
        assert client.get("/admin/").status_code == 302, role
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_it_sends_an_org_admin_from_the_back_office_to_settings(world, client):
    client.force_login(world.one.admin)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/"
    assert response.status_code == 200


def test_it_lists_only_the_admins_own_organisation(world, client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/tenancy/user/").content.decode()
    assert "one_manager" in page and "two_manager" not in page
    assert client.get(f"/admin/tenancy/user/{world.two.manager.pk}/change/").status_code in (302, 404)
    teams = client.get("/admin/tenancy/team/").content.decode()
    assert "one team A" in teams and "two team A" not in teams


def test_it_creates_users_in_the_admins_organisation(world, client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/tenancy/user/add/",
        {
            "username": "newcomer",
            "password1": "a-Long-pass-phrase-9",
            "password2": "a-Long-pass-phrase-9",
            "role": Role.MANAGER,
            "display_name": "新人",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newcomer").org == world.one.org


def test_it_audits_a_role_change_made_in_the_admin(world, client, superuser):
    client.force_login(superuser)
    user = world.one.teammate
    response = client.post(
        f"/admin/tenancy/user/{user.pk}/change/",
        {
            "username": user.username,
            "display_name": user.display_name,
            "first_name": "",
            "last_name": "",
            "email": "",
            "language": "",
            "role": Role.LEAD,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.role == Role.LEAD
    entry = AuditEntry.objects.get(object_id=str(user.pk), field="role")
    assert (entry.before, entry.after, entry.channel) == ("manager", "lead", "admin")


def test_it_shows_memberships_read_only_so_they_change_only_through_the_services(world, client, superuser):
    client.force_login(superuser)
    page = client.get(f"/admin/tenancy/team/{world.one.team_a.pk}/change/").content.decode()
    assert "one teammate" in page
    assert 'name="memberships-__prefix__-started_on"' not in page
    assert 'name="memberships-0-started_on"' not in page
