"""Django's own messages its Chinese catalog lacks, for makemessages to collect into ours.

Django 5.2 changed the password-length message ("…at least %d characters.", was
"%(min_length)d"); its zh_Hans catalog still has only the old text, so a Chinese page showed
it in English. The project's catalog comes first (LOCALE_PATHS), so translating the new text
here fixes it. Nothing imports this module: it only carries the texts.
"""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
