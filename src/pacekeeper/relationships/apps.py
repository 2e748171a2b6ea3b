from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    """Relationship health. Other apps feed complaints and SLA breaches into the score through
    `relationships.signals.register_complaint_provider` from their own `ready()`."""

    name = "pacekeeper.relationships"
    verbose_name = _("Relationships")
