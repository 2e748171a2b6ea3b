"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and sends ISO dates whatever the page's language, so
    the value is always written "2026-12-20": in Chinese Django would write the first input
    format of zh-Hans ("2026/12/20"), which the picker cannot read — it showed an empty field,
    and saving the form then erased the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
