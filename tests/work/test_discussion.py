"""A task's comments (@mentions, who may write what) and attachments (refused files leave
nothing behind, downloads are scoped), through the services, the API and the task page."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.kinds import render
from pacekeeper.notifications.models import Notification
from pacekeeper.work import discussion
from pacekeeper.work.models import Attachment, Comment, Task

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56


def _task(owner, title="Renewal offer", **extra) -> Task:
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _stored_files(settings) -> list:
    folder = settings.DATA_DIR / "attachments"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


class TestMentions:
    def test_it_reads_usernames_after_an_at_sign_but_not_email_addresses(self):
        body = "Hi @one_manager, please call.\nCc @one_lead. Mail x@example.cn or @张三 @one_manager"
        assert discussion.parse_mentions(body) == ["one_manager", "one_lead.", "张三"]

    def test_a_mention_in_scope_is_kept_and_the_person_told(self, world, django_capture_on_commit_callbacks):
        one = world.one
        task = _task(one.manager)
        with django_capture_on_commit_callbacks(execute=True):
            comment = discussion.comment_add(
                actor=one.actor("lead"), task=task, body="@one_manager: can you send it by Friday?"
            )
        assert list(comment.mentions.all()) == [one.manager]
        told = Notification.objects.get(recipient=one.manager)
        assert told.kind == "mentioned" and told.link.endswith(f"/tasks/{task.pk}/#comment-{comment.pk}")
        assert told.params["person"] == "one lead" and told.params["task"] == "Renewal offer"
        with translation.override("zh-hans"):
            assert render(told) == "one lead 在“Renewal offer”中提及了您：@one_manager: can you send it by Friday?"
        with translation.override("en"):
            assert render(told) == "one lead mentioned you on “Renewal offer”: @one_manager: can you send it by Friday?"

    def test_a_dot_ending_the_sentence_is_not_part_of_the_name(self, world):
        one = world.one
        comment = discussion.comment_add(actor=one.actor("manager"), task=_task(one.manager), body="Ask @one_lead.")
        assert list(comment.mentions.all()) == [one.lead]

    @pytest.mark.parametrize(
        "body",
        [
            "@one_other_manager see this",  # another team: not in an account manager's scope
            "@two_manager see this",  # another organisation
            "@nobody_here see this",  # no such person
        ],
    )
    def test_a_mention_out_of_scope_is_refused_and_nothing_saved(self, world, body, django_capture_on_commit_callbacks):
        one = world.one
        task = _task(one.manager)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed) as refused:
            discussion.comment_add(actor=one.actor("manager"), task=task, body=body)
        name = body.split()[0]
        assert refused.value.errors == {"text": [f"{name} is not someone you can mention here."]}
        assert not Comment.objects.exists() and not Notification.objects.exists()

    def test_someone_in_scope_who_cannot_see_the_task_must_be_added_first(self, world):
        one = world.one
        task = _task(one.manager)
        with pytest.raises(ValidationFailed) as refused:
            discussion.comment_add(actor=one.actor("manager"), task=task, body="@one_teammate can you help?")
        assert refused.value.errors["text"] == ["one teammate cannot see this task: add them as a collaborator first."]
        task.collaborators.add(one.teammate)
        comment = discussion.comment_add(actor=one.actor("manager"), task=task, body="@one_teammate can you help?")
        assert list(comment.mentions.all()) == [one.teammate]

    def test_an_edit_tells_only_the_people_newly_mentioned(self, world, django_capture_on_commit_callbacks):
        one = world.one
        task = _task(one.manager)
        task.collaborators.add(one.teammate)
        actor = one.actor("lead")
        with django_capture_on_commit_callbacks(execute=True):
            comment = discussion.comment_add(actor=actor, task=task, body="@one_manager first")
            discussion.comment_update(actor=actor, comment=comment, body="@one_manager and @one_teammate: second")
        assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
            "one_manager",
            "one_teammate",
        ]
        comment.refresh_from_db()
        assert comment.edited_at is not None and comment.mentions.count() == 2


class TestCommentRights:
    def test_only_the_author_edits_or_deletes_a_comment(self, world):
        one = world.one
        task = _task(one.manager)
        comment = discussion.comment_add(actor=one.actor("manager"), task=task, body="Called, no answer.")
        for other in ("lead", "director", "admin"):
            with pytest.raises(Forbidden):
                discussion.comment_update(actor=one.actor(other), comment=comment, body="changed")
            with pytest.raises(Forbidden):
                discussion.comment_delete(actor=one.actor(other), comment=comment)
        discussion.comment_delete(actor=one.actor("manager"), comment=comment)
        assert not Comment.objects.exists()

    def test_the_read_only_analyst_may_not_comment(self, world):
        with pytest.raises(Forbidden):
            discussion.comment_add(actor=world.one.actor("analyst"), task=_task(world.one.manager), body="hi")

    def test_a_collaborator_comments_and_attaches(self, world):
        one = world.one
        task = _task(one.manager)
        task.collaborators.add(one.teammate)
        discussion.comment_add(actor=one.actor("teammate"), task=task, body="On it.")
        attachment = discussion.attachment_add(
            actor=one.actor("teammate"), task=task, file=SimpleUploadedFile("p.png", PNG)
        )
        assert attachment.uploaded_by == one.teammate and attachment.content_type == "image/png"


class TestCommentsApi:
    def test_it_adds_lists_edits_and_deletes_a_comment(self, world, client):
        one = world.one
        task = _task(one.manager)
        client.force_login(one.manager)
        url = f"/api/v1/tasks/{task.pk}/comments"
        created = client.post(url, json.dumps({"text": "Sent the offer.\n@one_lead FYI"}), "application/json")
        assert created.status_code == 201, created.content
        data = created.json()
        assert (data["author"], data["mentions"], data["edited_at"]) == (one.manager.pk, [one.lead.pk], None)
        assert [item["id"] for item in client.get(url).json()["items"]] == [data["id"]]
        patched = client.patch(f"/api/v1/comments/{data['id']}", json.dumps({"text": "Sent."}), "application/json")
        assert patched.json()["text"] == "Sent." and patched.json()["mentions"] == []
        assert client.delete(f"/api/v1/comments/{data['id']}").status_code == 204
        assert not Comment.objects.exists()

    def test_an_out_of_scope_mention_is_a_field_error_in_chinese(self, world, client):
        one = world.one
        one.manager.language = "zh-hans"
        one.manager.save(update_fields=["language"])
        task = _task(one.manager)
        client.force_login(one.manager)
        body = json.dumps({"text": "@one_other_manager 请看"})
        response = client.post(f"/api/v1/tasks/{task.pk}/comments", body, "application/json")
        assert response.status_code == 400
        assert "@one_other_manager" in _errors(response)["text"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in _errors(response)["text"].replace("请看", ""))
        assert not Comment.objects.exists()

    def test_comments_of_a_task_out_of_scope_answer_404(self, world, client):
        task = _task(world.one.other_manager)
        client.force_login(world.one.manager)
        assert client.get(f"/api/v1/tasks/{task.pk}/comments").status_code == 404
        body = json.dumps({"text": "hello"})
        assert client.post(f"/api/v1/tasks/{task.pk}/comments", body, "application/json").status_code == 404


class TestAttachmentsApi:
    def _upload(self, client, task, name, content):
        return client.post(f"/api/v1/tasks/{task.pk}/attachments", {"file": SimpleUploadedFile(name, content)})

    def test_it_attaches_lists_and_downloads_a_file(self, world, client):
        one = world.one
        task = _task(one.manager)
        client.force_login(one.manager)
        created = self._upload(client, task, "../../报价 v2.pdf", PDF)
        assert created.status_code == 201, created.content
        data = created.json()
        assert (data["name"], data["size"], data["content_type"]) == ("报价 v2.pdf", len(PDF), "application/pdf")
        assert [item["id"] for item in client.get(f"/api/v1/tasks/{task.pk}/attachments").json()["items"]] == [
            data["id"]
        ]
        download = client.get(f"/api/v1/attachments/{data['id']}")
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"].startswith("attachment;")
        assert "utf-8''%E6%8A%A5%E4%BB%B7%20v2.pdf" in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Type"] == "application/octet-stream"

    @pytest.mark.parametrize(
        "name,content,says",
        [
            ("scan.pdf", PNG, "is not a .pdf file"),  # a .pdf that is a PNG
            ("contract.docx", EXE, "Programs and scripts"),  # a .docx that is an exe
            ("setup.exe", EXE, "Programs and scripts"),
            ("big.pdf", PDF + b"0" * 200, "larger than the limit"),
        ],
    )
    def test_a_refused_file_is_a_field_error_and_nothing_is_stored(self, world, client, settings, name, content, says):
        settings.ATTACHMENT_MAX_BYTES = 200
        task = _task(world.one.manager)
        client.force_login(world.one.manager)
        response = self._upload(client, task, name, content)
        assert response.status_code == 400, response.content
        assert says in _errors(response)["file"]
        assert not Attachment.objects.exists() and _stored_files(settings) == []

    def test_a_download_out_of_scope_answers_404(self, world, client):
        one = world.one
        task = _task(one.manager)
        attachment = discussion.attachment_add(
            actor=one.actor("manager"), task=task, file=SimpleUploadedFile("p.png", PNG)
        )
        for outsider in (one.other_manager, one.teammate, world.two.admin):
            client.force_login(outsider)
            assert client.get(f"/api/v1/attachments/{attachment.pk}").status_code == 404
            assert client.get(f"/tasks/attachments/{attachment.pk}/").status_code == 404
        client.force_login(one.analyst)  # reads the whole organisation, changes nothing
        assert client.get(f"/api/v1/attachments/{attachment.pk}").status_code == 200
        assert client.delete(f"/api/v1/attachments/{attachment.pk}").status_code == 403
        assert self._upload(client, task, "p.png", PNG).status_code == 403

    def test_the_uploader_or_a_full_editor_deletes_a_file_and_it_leaves_the_disk(
        self, world, client, settings, django_capture_on_commit_callbacks
    ):
        one = world.one
        task = _task(one.manager)
        task.collaborators.add(one.teammate)
        theirs = discussion.attachment_add(
            actor=one.actor("teammate"), task=task, file=SimpleUploadedFile("a.png", PNG)
        )
        mine = discussion.attachment_add(actor=one.actor("manager"), task=task, file=SimpleUploadedFile("b.png", PNG))
        client.force_login(one.teammate)
        assert client.delete(f"/api/v1/attachments/{mine.pk}").status_code == 403  # a collaborator: their own only
        with django_capture_on_commit_callbacks(execute=True):
            assert client.delete(f"/api/v1/attachments/{theirs.pk}").status_code == 204
        client.force_login(one.lead)  # edits their person's task in full
        with django_capture_on_commit_callbacks(execute=True):
            assert client.delete(f"/api/v1/attachments/{mine.pk}").status_code == 204
        assert not Attachment.objects.exists() and _stored_files(settings) == []


class TestTaskPage:
    def test_it_shows_comments_escaped_with_their_line_breaks_and_the_files(self, world, client):
        one = world.one
        task = _task(one.manager)
        discussion.comment_add(actor=one.actor("lead"), task=task, body="<script>x</script>\n@one_manager next")
        discussion.attachment_add(actor=one.actor("manager"), task=task, file=SimpleUploadedFile("p.png", PNG))
        client.force_login(one.manager)
        page = client.get(f"/tasks/{task.pk}/").content.decode()
        assert "&lt;script&gt;x&lt;/script&gt;<br>" in page and "<script>x" not in page
        assert '<span class="mention">@one_manager</span> next' in page
        assert "p.png" in page and "56 B" in page
        assert f"/tasks/comments/{task.comments.get().pk}/edit/" not in page  # the lead's, not theirs

    def test_a_refused_comment_keeps_the_text_and_shows_the_error_by_the_field(self, world, client):
        one = world.one
        task = _task(one.manager)
        client.force_login(one.manager)
        response = client.post(f"/tasks/{task.pk}/comments/", {"text": "ping @one_other_manager"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "ping @one_other_manager</textarea>" in page and "is not someone you can mention here" in page
        assert not Comment.objects.exists()

    def test_it_comments_and_attaches_from_the_page_in_chinese(self, world, client):
        one = world.one
        one.manager.language = "zh-hans"
        one.manager.save(update_fields=["language"])
        task = _task(one.manager)
        client.force_login(one.manager)
        added = client.post(f"/tasks/{task.pk}/comments/", {"text": "已发送报价"})
        assert added.status_code == 302 and added["Location"].endswith(f"#comment-{task.comments.get().pk}")
        attached = client.post(f"/tasks/{task.pk}/attachments/", {"file": SimpleUploadedFile("r.zip", _zip())})
        assert attached.status_code == 302
        refused = client.post(f"/tasks/{task.pk}/attachments/", {"file": SimpleUploadedFile("r.pdf", PNG)})
        assert refused.status_code == 400 and "不是" in refused.content.decode()
        page = client.get(f"/tasks/{task.pk}/").content.decode()
        assert "已发送报价" in page and "r.zip" in page and "评论" in page


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def test_the_page_opens_on_the_newest_comments_newest_last_and_pages_back(world, client):
    """31 comments: the page shows comments 2–31 (the newest 30) oldest to newest; page 2 the first."""
    one = world.one
    task = _task(one.manager)
    for number in range(1, 32):
        Comment.objects.create(org=one.org, task=task, author=one.manager, body=f"note {number:02d}.")
    client.force_login(one.manager)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    shown = [int(n) for n in re.findall(r"note (\d\d)\.", page)]
    assert shown == list(range(2, 32))
    assert "?comments=2#comments" in page and "Newer comments" not in page
    older = client.get(f"/tasks/{task.pk}/", {"comments": 2}).content.decode()
    assert re.findall(r"note (\d\d)\.", older) == ["01"] and "Newer comments" in older


def test_the_task_page_reads_comments_and_files_in_a_bounded_number_of_queries(world, client):
    """Ten comments and files cost no more queries than one of each (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = world.one
    task = _task(one.manager)
    client.force_login(one.manager)

    def add(count):
        for number in range(count):
            comment = Comment.objects.create(org=one.org, task=task, author=one.lead, body=f"@one_manager {number}")
            comment.mentions.add(one.manager)
            discussion.attachment_add(actor=one.actor("manager"), task=task, file=SimpleUploadedFile("p.png", PNG))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/tasks/{task.pk}/").status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(9)
    assert queries() == few
