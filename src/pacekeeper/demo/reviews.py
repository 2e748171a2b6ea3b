"""Demo evaluation flow after calibration: of last quarter's calibrated evaluations, the first
person acknowledges theirs and the second disputes it, so a director finds a dispute to resolve
and the person's page shows both answers' states."""

from __future__ import annotations

from pacekeeper.reviews import services
from pacekeeper.reviews.models import Evaluation
from pacekeeper.tenancy.models import Organization
from pacekeeper.tenancy.scopes import actor_for


def make_review_responses(org: Organization) -> int:
    done = list(
        Evaluation.objects.filter(org=org, step=Evaluation.Step.DONE, response="")
        .select_related("person")
        .order_by("person__username")[:2]
    )
    if done:
        services.acknowledge(
            actor=actor_for(done[0].person, channel="system"),
            evaluation=done[0],
            comment="认可本季度的评价，下季度继续加强新客户拓展。",
        )
    if len(done) > 1:
        services.dispute(
            actor=actor_for(done[1].person, channel="system"),
            evaluation=done[1],
            comment="客户服务一项评分偏低：本季度两次投诉均已在 24 小时内处理完毕，客户已书面确认满意，请复核。",
        )
    return len(done)
