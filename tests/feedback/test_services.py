"""Invitations, links and answers: tokens, expiry, reuse, forgery, limits, opt-out, automatic
sending after an interaction, the quarterly chore and the one reminder."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from pacekeeper.crm.services import interaction_save
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.feedback import services, tokens
from pacekeeper.feedback.models import Answer, Invitation, OptOut, SurveySettings, nps_category
from pacekeeper.tenancy.audit import AuditEntry
from tests.feedback.conftest import answer, ask

pytestmark = pytest.mark.django_db


class TestTokens:
    def test_it_makes_unguessable_links_and_keeps_no_token(self, world, surveys):
        sent = ask(world, surveys)
        assert len(sent.token) == 43  # 256 bits of HMAC, URL-safe
        row = Invitation.objects.get(pk=sent.invitation.pk)
        assert sent.token not in (row.nonce, row.token_hash)
        assert row.token_hash == tokens.token_hash(sent.token)
        assert services.invitation_link(row) == sent.url
        assert ask(world, surveys, "teammate").token != sent.token

    def test_it_refuses_a_forged_an_expired_and_a_used_link(self, world, surveys):
        sent = ask(world, surveys)
        forged = sent.token[:-1] + ("A" if sent.token[-1] != "A" else "B")
        for token in (forged, "x", "", "<script>", sent.token + "x"):
            with pytest.raises(services.SurveyLinkError) as error:
                services.invitation_by_token(token)
            assert error.value.reason == "invalid"
        answer(sent, csat=5)
        with pytest.raises(services.SurveyLinkError) as error:
            answer(sent, csat=1)
        assert error.value.reason == "answered"
        assert Answer.objects.get().csat == 5
        late = ask(world, surveys, "teammate")
        Invitation.objects.filter(pk=late.invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        with pytest.raises(services.SurveyLinkError) as error:
            answer(late, csat=4)
        assert error.value.reason == "expired"


class TestAnswers:
    def test_it_refuses_scores_out_of_range_with_a_field_error(self, world, surveys):
        sent = ask(world, surveys)
        question = sent.invitation.template.questions.get(kind="csat")
        for bad in (0, 6, -1, "five", True, [3], 3.5):
            with pytest.raises(ValidationFailed) as error:
                services.answer_submit(token=sent.token, values={str(question.pk): bad})
            assert f"q{question.pk}" in error.value.errors
        nps = ask(world, surveys, "teammate", "nps")
        question = nps.invitation.template.questions.get(kind="nps")
        with pytest.raises(ValidationFailed):
            services.answer_submit(token=nps.token, values={str(question.pk): 11})
        assert not Answer.objects.exists()

    def test_it_refuses_a_megabyte_of_text_and_keeps_script_as_text(self, world, surveys):
        sent = ask(world, surveys)
        text_question = sent.invitation.template.questions.get(kind="text")
        csat = sent.invitation.template.questions.get(kind="csat")
        with pytest.raises(ValidationFailed) as error:
            services.answer_submit(token=sent.token, values={str(csat.pk): 4, str(text_question.pk): "x" * 1_000_000})
        assert f"q{text_question.pk}" in error.value.errors
        script = '<script>alert("x")</script> 服务很好'
        stored = answer(sent, csat=4, text=script)
        assert stored.comment == script  # kept as typed; every page escapes it

    @pytest.mark.parametrize(
        "score,category",
        [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
    )
    def test_it_puts_nps_scores_in_their_categories_at_the_edges(self, score, category):
        assert nps_category(score) == category

    def test_it_never_deletes_an_answer_and_records_the_attempt(self, world, surveys):
        stored = answer(ask(world, surveys), csat=3)
        with pytest.raises(Forbidden):
            services.answer_delete(actor=world.one.actor("admin"), answer=stored)
        with pytest.raises(Forbidden):
            stored.delete()
        with pytest.raises(Forbidden):
            Answer.objects.all().delete()
        assert Answer.objects.filter(pk=stored.pk).exists()
        entry = AuditEntry.objects.get(object_type="feedback.answer", object_id=str(stored.pk))
        assert (entry.field, entry.after) == ("deleted", "refused")


class TestSending:
    def test_it_asks_a_contact_no_more_often_than_the_limit(self, world, surveys):
        director = world.one.actor("director")
        contact = surveys["contacts"]["manager"]
        services.invitation_create(actor=director, contact=contact, template_id=surveys["csat"].pk)
        with pytest.raises(ValidationFailed) as error:
            services.invitation_create(actor=director, contact=contact, template_id=surveys["nps"].pk)
        assert "contact" in error.value.errors
        Invitation.objects.update(sent_at=timezone.now() - dt.timedelta(days=91))
        services.invitation_create(actor=director, contact=contact, template_id=surveys["nps"].pk)

    def test_it_honours_an_unsubscribe(self, world, surveys):
        sent = ask(world, surveys)
        services.opt_out(token=sent.token)
        assert OptOut.objects.filter(contact=surveys["contacts"]["manager"]).exists()
        Invitation.objects.update(sent_at=timezone.now() - dt.timedelta(days=400))
        with pytest.raises(ValidationFailed):
            services.invitation_create(
                actor=world.one.actor("director"),
                contact=surveys["contacts"]["manager"],
                template_id=surveys["csat"].pk,
            )

    def test_it_emails_a_campaign_in_both_languages_and_reports_who_was_skipped(
        self, world, surveys, django_capture_on_commit_callbacks
    ):
        director = world.one.actor("director")
        services.opt_out(token=ask(world, surveys, "teammate").token)
        campaign = services.campaign_create(actor=director, name="Q4", template_id=surveys["csat"].pk, filters={})
        with django_capture_on_commit_callbacks(execute=True):
            result = services.campaign_send(actor=director, campaign=campaign)
        assert result.sent == 4 and len(result.skipped) == 1  # five customers' contacts, one opted out
        assert len(mail.outbox) == 4
        message = mail.outbox[0]
        assert "/s/" in message.body and " / " in message.subject  # both languages, one link
        with pytest.raises(ValidationFailed):
            services.campaign_send(actor=director, campaign=campaign)
        with pytest.raises(Forbidden):
            services.campaign_create(
                actor=world.one.actor("manager"), name="x", template_id=surveys["csat"].pk, filters={}
            )

    def test_only_its_maker_or_a_director_sends_a_leads_campaign(self, world, surveys):
        """Another lead sending it would spend it on their own contacts (the maker could not
        send it afterwards)."""
        campaign = services.campaign_create(
            actor=world.one.actor("lead"), name="Mine", template_id=surveys["csat"].pk, filters={}
        )
        with pytest.raises(Forbidden):
            services.campaign_send(actor=world.one.actor("other_lead"), campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.sent_at is None and not Invitation.objects.filter(campaign=campaign).exists()

    def test_it_sends_a_survey_after_a_chosen_kind_of_interaction(
        self, world, surveys, django_capture_on_commit_callbacks
    ):
        services.settings_update(
            actor=world.one.actor("admin"),
            changes={"interaction_kinds": ["visit"], "interaction_template": surveys["csat"].pk},
        )
        manager = world.one.actor("manager")
        customer = world.one.customers["manager"]
        contact = surveys["contacts"]["manager"]
        with django_capture_on_commit_callbacks(execute=True):
            interaction_save(
                actor=manager,
                changes={"customer": customer.pk, "kind": "call", "summary": "call", "contacts": [contact.pk]},
            )
        assert not Invitation.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            visit = interaction_save(
                actor=manager,
                changes={"customer": customer.pk, "kind": "visit", "summary": "visit", "contacts": [contact.pk]},
            )
        invitation = Invitation.objects.get()
        assert (invitation.interaction_id, invitation.manager_id, invitation.team_id) == (
            visit.pk,
            world.one.manager.pk,
            world.one.team_a.pk,
        )
        assert len(mail.outbox) == 1

    def test_it_surveys_decision_makers_each_quarter_once(self, world, surveys):
        services.settings_update(
            actor=world.one.actor("admin"),
            changes={"schedule_template": surveys["nps"].pk, "schedule_tiers": ["standard"]},
        )
        contact = surveys["contacts"]["manager"]
        contact.is_decision_maker = True
        contact.save()
        assert services.scheduled_surveys_send() == 1
        assert services.scheduled_surveys_send() == 0
        assert Invitation.objects.get().campaign.source == "schedule"

    def test_it_reminds_a_non_responder_once(self, world, surveys):
        SurveySettings.objects.get_or_create(org=world.one.org)
        sent = ask(world, surveys)
        Invitation.objects.filter(pk=sent.invitation.pk).update(
            channel="email", sent_at=timezone.now() - dt.timedelta(days=8)
        )
        answered = ask(world, surveys, "teammate")
        Invitation.objects.filter(pk=answered.invitation.pk).update(
            channel="email", sent_at=timezone.now() - dt.timedelta(days=8)
        )
        answer(answered, csat=5)
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
        assert sent.token in mail.outbox[0].body
