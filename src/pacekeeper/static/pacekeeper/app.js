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

// The top bar's "More" menu closes on a click elsewhere or on Escape, like any menu.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.places-more[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.places-more[open]")) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

// A frame marked data-scroll-cue (the task board) shades the edge where content lies beyond
// and reveals the hint just before it, so columns off screen are never a secret.
function markScrollCue(frame) {
  const inner = frame.firstElementChild;
  if (!inner) return;
  const beyondRight = inner.scrollWidth - inner.clientWidth - inner.scrollLeft > 2;
  frame.classList.toggle("more-left", inner.scrollLeft > 2);
  frame.classList.toggle("more-right", beyondRight);
  const hint = frame.previousElementSibling;
  if (hint && hint.classList.contains("board-scroll-hint")) hint.hidden = !beyondRight;
}
document.addEventListener("DOMContentLoaded", () => {
  for (const frame of document.querySelectorAll("[data-scroll-cue]")) {
    markScrollCue(frame);
    frame.firstElementChild?.addEventListener("scroll", () => markScrollCue(frame), { passive: true });
  }
  window.addEventListener("resize", () => document.querySelectorAll("[data-scroll-cue]").forEach(markScrollCue));
});
