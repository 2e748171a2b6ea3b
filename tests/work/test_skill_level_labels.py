"""The skill level names are interface text: English on English pages, the Chinese kept on
Chinese ones (on /skills/ and in the task form's required skills)."""

import pytest

from pacekeeper.skills import services

EN = ["1 · learning", "2 · basic", "3 · competent", "4 · advanced", "5 · expert, teaches others"]
ZH = ["1 · 学习中", "2 · 基础", "3 · 胜任", "4 · 熟练", "5 · 专家，可带教他人"]


@pytest.fixture
def skill(world):
    return services.skill_create(actor=world.one.actor("admin"), name="Data analysis")


@pytest.mark.parametrize("language,names,other", [("en", EN, ZH), ("zh-hans", ZH, EN)])
def test_level_names_follow_the_page_language(world, skill, client, language, names, other):
    world.one.manager.language = language
    world.one.manager.save(update_fields=["language"])
    client.force_login(world.one.manager)
    for url in ("/skills/", "/tasks/new/"):
        html = client.get(url).content.decode()
        assert all(name in html for name in names), url
        assert not any(name in html for name in other), url
