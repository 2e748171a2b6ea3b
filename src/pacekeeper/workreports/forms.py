"""The one-page report form: three texts, the news rows (each with three free tags that suggest
earlier ones) and the help rows. Blank rows are offered at the end so that nothing needs script;
what was typed comes back with its error next to the field (rule 8)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .models import ITEM_LIMIT, TAG_LIMIT, TEXT_LIMIT

BLANK_ROWS = 2
MAX_ROWS = 30
TAGS = (("competitor", _("Competitor")), ("product", _("Product")), ("region", _("Region")))


def _area(label, placeholder, rows=3):
    return forms.CharField(
        label=label,
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": rows, "placeholder": placeholder, "autocapitalize": "sentences", "enterkeyhint": "enter"}
        ),
    )


def _rows_in(data, prefix: str) -> int:
    """How many rows the posted form had (its highest index + 1), within MAX_ROWS."""
    indexes = [int(key.split("_")[1]) for key in data if key.startswith(prefix) and key.split("_")[1].isdigit()]
    return min(MAX_ROWS, max(indexes) + 1) if indexes else 0


class WorkReportForm(CleanTextFormMixin, forms.Form):
    sales_progress = _area(
        _("Sales progress"), _("What moved this period: deals, visits, what the figures above do not say"), rows=4
    )
    customer_feedback = _area(_("Customer feedback heard"), _("What customers said: praise, complaints, requests"))
    plans = _area(_("Plans for the next period"), _("Whom you will see, what you will close"))

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else {}
        news = list(report.news.all()) if report and not self.is_bound else []
        helps = list(report.help_items.filter(status="open")) if report and not self.is_bound else []
        self.news_count = (
            max(_rows_in(data, "news_"), len(news) + BLANK_ROWS) if self.is_bound else len(news) + BLANK_ROWS
        )
        self.help_count = (
            max(_rows_in(data, "help_"), len(helps) + BLANK_ROWS) if self.is_bound else len(helps) + BLANK_ROWS
        )
        self.news_count, self.help_count = min(self.news_count, MAX_ROWS), min(self.help_count, MAX_ROWS)
        for index in range(self.news_count):
            item = news[index] if index < len(news) else None
            self.fields[f"news_{index}_text"] = forms.CharField(
                label=_("News"),
                max_length=ITEM_LIMIT,
                required=False,
                initial=item.text if item else "",
                widget=forms.TextInput(attrs={"enterkeyhint": "next", "autocapitalize": "sentences"}),
            )
            for tag, label in TAGS:
                self.fields[f"news_{index}_{tag}"] = forms.CharField(
                    label=label,
                    max_length=TAG_LIMIT,
                    required=False,
                    initial=getattr(item, tag) if item else "",
                    widget=forms.TextInput(
                        attrs={"list": f"tags-{tag}", "enterkeyhint": "next", "autocomplete": "off"}
                    ),
                )
        for index in range(self.help_count):
            item = helps[index] if index < len(helps) else None
            self.fields[f"help_{index}"] = forms.CharField(
                label=_("Help needed"),
                max_length=ITEM_LIMIT,
                required=False,
                initial=item.text if item else "",
                widget=forms.TextInput(attrs={"enterkeyhint": "next", "autocapitalize": "sentences"}),
            )

    def news_rows(self):
        return [
            {"text": self[f"news_{i}_text"], "tags": [self[f"news_{i}_{tag}"] for tag, _label in TAGS]}
            for i in range(self.news_count)
        ]

    def help_rows(self):
        return [self[f"help_{i}"] for i in range(self.help_count)]

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "sales_progress": data["sales_progress"],
            "customer_feedback": data["customer_feedback"],
            "plans": data["plans"],
            "news": [
                {"text": data[f"news_{i}_text"], **{tag: data[f"news_{i}_{tag}"] for tag, _label in TAGS}}
                for i in range(self.news_count)
            ],
            "help_needed": [data[f"help_{i}"] for i in range(self.help_count)],
        }


class CommentForm(CleanTextFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2, "enterkeyhint": "send"})
    )


class NewsSearchForm(CleanTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    tag = forms.CharField(
        label=_("Tag"), max_length=TAG_LIMIT, required=False, widget=forms.TextInput(attrs={"list": "tags-all"})
    )
    kind = forms.ChoiceField(label=_("Tag kind"), required=False, choices=[("", _("Any tag")), *TAGS])


class TeamFilterForm(CleanTextFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Account manager"), coerce=int, required=False, empty_value=None)
    unread = forms.BooleanField(label=_("Unread only"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone"))] + [(p.pk, str(p)) for p in people]
        for name in ("person", "unread"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
