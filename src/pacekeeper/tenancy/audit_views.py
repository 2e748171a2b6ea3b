"""The audit page: who changed what, when, from where — filtered, paged and exported."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.lib import date_rules
from pacekeeper.lib.pages import actor_required, is_htmx, paginate, query_without
from pacekeeper.lib.tabular import download_response
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import AuditEntry, User
from .scopes import AUDIT_ROLES, Actor, require_role


def object_label(object_type: str) -> str:
    """ "goals.goal" → "goal" / "目标" (the model's own name), unknown types as they are."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditFilterForm(CleanTextFormMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Person"))
    object_type = forms.ChoiceField(required=False, label=_("Kind of object"))
    object_id = forms.CharField(required=False, max_length=64, label=_("Object id"))
    channel = forms.ChoiceField(
        required=False, label=_("Channel"), choices=[("", _("Every channel")), *AuditEntry.Channel.choices]
    )
    since = forms.DateField(required=False, label=_("From"), widget=DateInput())
    until = forms.DateField(required=False, label=_("Until"), widget=DateInput())

    def __init__(self, data, *, actor: Actor, entries):
        super().__init__(data)
        self.today = actor.today()
        self.fields["person"].queryset = User.objects.visible_to(actor).order_by("username")
        self.fields["person"].empty_label = _("Everyone")
        kinds = entries.order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", _("Every kind")), *[(kind, object_label(kind)) for kind in kinds]]

    def clean_since(self):
        return self._in_window("since")

    def clean_until(self):
        return self._in_window("until")

    def _in_window(self, name: str):
        """A day outside the window of business dates (0001-01-01, 9999-12-31) is a typing slip,
        and turning it into the start of a day in the organisation's zone overflows."""
        day = self.cleaned_data[name]
        if problem := date_rules.window_problem(day, self.today):
            raise forms.ValidationError(problem)
        return day

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end comes before the start."))
        return data


def filtered_entries(actor: Actor, form: AuditFilterForm, entries):
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    zone = ZoneInfo(actor.org.time_zone)
    if data["person"]:
        entries = entries.filter(actor=data["person"])
    for field in ("object_type", "object_id", "channel"):
        if data[field]:
            entries = entries.filter(**{field: data[field].strip()})
    if data["since"]:
        entries = entries.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, zone))
    if data["until"]:
        entries = entries.filter(at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, zone))
    return entries


@actor_required
def audit_log(request: HttpRequest):
    actor = request.actor
    require_role(actor, AUDIT_ROLES)
    entries = AuditEntry.objects.visible_to(actor).select_related("actor").order_by("-at", "-pk")
    form = AuditFilterForm(request.GET or None, actor=actor, entries=AuditEntry.objects.visible_to(actor))
    if request.GET:
        entries = filtered_entries(actor, form, entries)
    # An export follows the filters shown; with a filter refused the page says why instead.
    if request.GET.get("format") in ("csv", "xlsx") and form.is_valid():
        return export(actor, entries, request.GET["format"])
    page = paginate(request, entries, per_page=50)
    for entry in page:
        entry.object_label = object_label(entry.object_type)
    context = {"form": form, "page": page, "query": query_without(request, "page"), "filtered": bool(request.GET)}
    template = "tenancy/_audit_rows.html" if is_htmx(request) else "tenancy/audit.html"
    return render(request, template, context)


EXPORT_HEADER = [
    pgettext_lazy("audit column", "Time"),
    pgettext_lazy("audit column", "Username"),
    pgettext_lazy("audit column", "Person"),
    pgettext_lazy("audit column", "Kind"),
    pgettext_lazy("audit column", "Object id"),
    pgettext_lazy("audit column", "Field"),
    pgettext_lazy("audit column", "Before"),
    pgettext_lazy("audit column", "After"),
    pgettext_lazy("audit column", "Reason"),
    pgettext_lazy("audit column", "Channel"),
    pgettext_lazy("audit column", "Address"),
    pgettext_lazy("audit column", "Request id"),
]


def export(actor: Actor, entries, file_format: str) -> HttpResponse:
    zone = ZoneInfo(actor.org.time_zone)
    header = [str(column) for column in EXPORT_HEADER]

    def rows():
        for entry in entries.iterator(chunk_size=2000):
            person = entry.actor
            yield [
                entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                person.username if person else "",
                str(person) if person else "",
                entry.object_type,
                entry.object_id,
                entry.field,
                entry.before,
                entry.after,
                entry.reason,
                entry.get_channel_display(),
                entry.address,
                entry.request_id,
            ]

    return download_response(f"audit-{actor.today().isoformat()}", header, rows(), file_format, sheet="audit")
