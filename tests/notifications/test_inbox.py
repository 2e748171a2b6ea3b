"""The inbox: a person reads their own notifications only, on the page and through the API."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacekeeper.goals.notices import CHANGE_APPROVED
from pacekeeper.notifications.models import Notification


def _notification(person, *, goal="Team A sales", read=False, minutes_ago=0) -> Notification:
    return Notification.objects.create(
        org=person.org,
        recipient=person,
        kind=CHANGE_APPROVED,
        params={"person": "Director Wang", "goal": goal, "before": "10", "after": "8", "unit": "count"},
        link="/goals/",
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


class TestInboxPage:
    def test_it_lists_ones_own_newest_first_with_unread_marked(self, world, client):
        _notification(world.one.lead, goal="Older", minutes_ago=10, read=True)
        _notification(world.one.lead, goal="Newer")
        _notification(world.one.teammate, goal="Someone else's")
        client.force_login(world.one.lead)
        body = client.get("/notifications/").content.decode()
        assert body.index("Newer") < body.index("Older") and "Someone else" not in body
        assert body.count('class="unread"') == 1
        assert "Director Wang approved lowering the target of “Newer” from 10 to 8." in body

    def test_it_shows_the_unread_count_on_the_bell_of_every_page(self, world, client):
        _notification(world.one.lead)
        _notification(world.one.lead)
        _notification(world.one.lead, read=True)
        client.force_login(world.one.lead)
        body = client.get("/goals/").content.decode()
        assert 'class="bell-count" aria-hidden="true">2<' in body
        assert "Notifications: 2 unread" in body
        client.force_login(world.one.manager)
        assert "bell-count" not in client.get("/goals/").content.decode()

    def test_it_says_what_comes_here_when_empty(self, world, client):
        client.force_login(world.one.manager)
        assert "No notifications yet" in client.get("/notifications/").content.decode()
        assert "Nothing unread" in client.get("/notifications/", {"show": "unread"}).content.decode()

    def test_it_pages_the_inbox(self, world, client):
        for number in range(30):
            _notification(world.one.manager, goal=f"G{number}", minutes_ago=number)
        client.force_login(world.one.manager)
        page = client.get("/notifications/").context["page"]
        assert page.paginator.count == 30 and len(page.object_list) == 25
        assert len(client.get("/notifications/", {"page": 2}).context["page"].object_list) == 5

    def test_it_reads_the_inbox_in_a_fixed_number_of_queries(self, world, client):
        """The messages come from the stored parameters: no query per row, however many rows."""
        client.force_login(world.one.manager)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/notifications/").status_code == 200
            return len(queries)

        _notification(world.one.manager)
        few = count()
        for _number in range(20):
            _notification(world.one.manager)
        assert count() == few

    def test_opening_one_marks_it_read_and_goes_to_its_page(self, world, client):
        notification = _notification(world.one.manager)
        client.force_login(world.one.manager)
        response = client.post(f"/notifications/{notification.pk}/open/")
        assert response.status_code == 302 and response["Location"] == "/goals/"
        notification.refresh_from_db()
        assert notification.read_at is not None
        assert client.get(f"/notifications/{notification.pk}/open/").status_code == 405  # GET never writes

    def test_it_never_opens_someone_elses_nor_sends_anyone_off_site(self, world, client):
        theirs = _notification(world.one.teammate)
        client.force_login(world.one.manager)
        assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None
        mine = _notification(world.one.manager)
        Notification.objects.filter(pk=mine.pk).update(link="https://evil.example/")
        assert client.post(f"/notifications/{mine.pk}/open/")["Location"] == "/notifications/"

    def test_mark_all_read_marks_only_ones_own(self, world, client):
        _notification(world.one.manager)
        _notification(world.one.manager)
        theirs = _notification(world.one.teammate)
        client.force_login(world.one.manager)
        assert client.post("/notifications/read-all/").status_code == 302
        assert not Notification.objects.filter(recipient=world.one.manager, read_at__isnull=True).exists()
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_it_escapes_what_people_typed_into_the_message(self, world, client):
        _notification(world.one.manager, goal='<script>alert("x")</script>')
        client.force_login(world.one.manager)
        body = client.get("/notifications/").content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body

    def test_it_speaks_chinese_to_a_chinese_reader(self, world, client):
        world.one.manager.language = "zh-hans"
        world.one.manager.save(update_fields=["language"])
        _notification(world.one.manager, goal="A组销售额")
        client.force_login(world.one.manager)
        body = client.get("/notifications/").content.decode()
        assert "全部标为已读" in body and "Director Wang 已批准将“A组销售额”的目标从 10 下调到 8。" in body


class TestInboxApi:
    def test_it_lists_ones_own_with_the_message_and_filters_unread(self, world, client):
        read = _notification(world.one.manager, read=True, minutes_ago=5)
        unread = _notification(world.one.manager)
        _notification(world.one.teammate)
        client.force_login(world.one.manager)
        body = client.get("/api/v1/notifications").json()
        assert [item["id"] for item in body["items"]] == [unread.pk, read.pk]
        assert body["items"][0]["message"].startswith("Director Wang approved")
        assert body["items"][0]["read_at"] is None and body["items"][0]["link"] == "/goals/"
        only_unread = client.get("/api/v1/notifications", {"unread": "true"}).json()
        assert [item["id"] for item in only_unread["items"]] == [unread.pk]

    def test_it_marks_one_read_and_answers_404_for_anyone_elses(self, world, client):
        mine = _notification(world.one.manager)
        theirs = _notification(world.two.manager)
        client.force_login(world.one.manager)
        response = client.post(f"/api/v1/notifications/{mine.pk}/read")
        assert response.status_code == 200 and response.json()["read_at"]
        assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
        assert client.post("/api/v1/notifications/abc/read").status_code in (404, 422)

    def test_it_marks_all_read(self, world, client):
        _notification(world.one.manager)
        _notification(world.one.manager)
        client.force_login(world.one.analyst)
        assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
        client.force_login(world.one.manager)
        assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
        assert client.get("/api/v1/notifications", {"unread": "true"}).json()["count"] == 0
