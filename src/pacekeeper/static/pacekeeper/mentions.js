// The comment box's "Mention" picker: choosing a person from its list (click, or type and press
// Enter) writes "@username " into the comment at the cursor. Without script the list still shows
// the usernames to type by hand.
(() => {
  const insert = (picker) => {
    const box = document.getElementById(picker.dataset.mentionInto);
    const list = picker.list;
    const name = picker.value.trim().replace(/^@/, "");
    if (!box || !list || !name) return false;
    const known = Array.from(list.options).some((option) => option.value === name);
    if (!known) return false;
    const at = box.selectionStart ?? box.value.length;
    const before = box.value.slice(0, at);
    const gap = before && !/\s$/.test(before) ? " " : "";
    const text = `${gap}@${name} `;
    box.value = before + text + box.value.slice(box.selectionEnd ?? at);
    picker.value = "";
    box.focus();
    box.selectionStart = box.selectionEnd = at + text.length;
    return true;
  };
  document.addEventListener("keydown", (event) => {
    const picker = event.target.closest?.("[data-mention-into]");
    if (picker && event.key === "Enter") {
      event.preventDefault(); // Enter picks the person; it never sends the comment
      insert(picker);
    }
  });
  document.addEventListener("input", (event) => {
    const picker = event.target.closest?.("[data-mention-into]");
    // Choosing from the list sets the whole value at once (no inputType on some browsers).
    if (picker && event.inputType !== "insertText" && event.inputType !== "deleteContentBackward") insert(picker);
  });
})();
