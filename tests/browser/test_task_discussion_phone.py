"""A task's comments and files on a 390-px phone, in Chinese: the mention picker writes the
@username into the comment from the keyboard alone, the comment is posted with its mention, a file
with a long name is attached, and nothing is wider than the screen."""

import pytest

from pacekeeper.work.models import Task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_mentions_their_lead_and_attaches_a_file_on_a_phone(live_server, world, phone, tmp_path):
    manager = world.one.manager
    task = Task.objects.create(org=manager.org, owner=manager, title="准备续约报价")
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.fill("#comment_text", "报价已发出，请看")
    picker = page.locator(f"#mention-{task.pk}")
    picker.focus()
    page.keyboard.type(world.one.lead.username)
    page.keyboard.press("Enter")  # picks the person; does not send the comment
    assert page.input_value("#comment_text") == f"报价已发出，请看 @{world.one.lead.username} "
    with page.expect_navigation():
        page.click("text=发表评论")
    comment = task.comments.get()
    assert list(comment.mentions.all()) == [world.one.lead]
    assert page.locator(f"#comment-{comment.pk} .mention").inner_text() == f"@{world.one.lead.username}"
    upload = tmp_path / ("客户拜访记录_二零二六年第一季度_华东区_重点客户续约准备材料汇总" * 2 + ".pdf")
    upload.write_bytes(b"%PDF-1.7\n%%EOF\n")
    page.set_input_files("#attachment_file", str(upload))
    with page.expect_navigation():
        page.click("#attachments button:has-text('上传')")
    assert page.locator("#attachments .files a").inner_text() == upload.name
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#comments").screenshot(path="/tmp/discussion_task_390_zh.png")
