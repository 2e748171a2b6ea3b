// Behaviour the templates ask for with data attributes: the Content-Security-Policy lets no
// inline script run, so no onchange="…" or onclick="…" in the markup.
//   data-autosubmit  on a select: changing it submits its form (period, team, owner pickers);
//   data-confirm     on a button: asks first, with the attribute's text.
//   data-needs="v"   inside such a form: hidden fields that choosing "v" reveals (and focuses)
//                    instead of submitting, e.g. a board card's "blocked" needs its reason.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (!field || !field.form) return;
  const more = field.form.querySelector(`[data-needs="${CSS.escape(field.value)}"]`);
  if (more) {
    more.hidden = false;
    const input = more.querySelector("input, textarea");
    if (input) input.focus();
    return;
  }
  field.form.submit();
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
