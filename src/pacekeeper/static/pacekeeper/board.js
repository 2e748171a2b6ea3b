// Task board: drag a card to another column; the server keeps the truth (POST, then reload on
// failure). Moving to "blocked" asks why first: the reason is required.
(function () {
  var script = document.getElementById("board-script");
  var askWhy = script ? script.dataset.blockedPrompt : "Why?";
  var csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  // The column's WIP count ("(12)") follows the move.
  function shift(list, by) {
    var count = list.closest(".column").querySelector("h2 small");
    var now = parseInt(count.textContent.replace(/[^0-9]/g, ""), 10) || 0;
    count.textContent = "(" + Math.max(0, now + by) + ")";
  }
  document.querySelectorAll(".board .cards-list").forEach(function (list) {
    Sortable.create(list, {
      group: "tasks",
      animation: 120,
      // The same pointer-driven drag on every device (the browser's own drag and drop does not
      // exist on phones); on touch a card is picked up after a short press, so a swipe still
      // scrolls the board a column at a time.
      forceFallback: true,
      fallbackTolerance: 4,
      delay: 200,
      delayOnTouchOnly: true,
      // Only the cards the person may move (the server renders data-url for those alone).
      draggable: ".deal[data-url]",
      filter: "select, a, button, input",
      preventOnFilter: false,
      onAdd: function (event) {
        var card = event.item;
        var status = event.to.dataset.status;
        var body = new FormData();
        body.append("status", status);
        if (status === "blocked") {
          var reason = window.prompt(askWhy);
          if (!reason || !reason.trim()) { window.location.reload(); return; }
          body.append("blocked_reason", reason.trim());
        }
        fetch(card.dataset.url, {
          method: "POST",
          body: body,
          headers: {"X-CSRFToken": csrf, "HX-Request": "true"},
          credentials: "same-origin",
        }).then(function (response) {
          if (!response.ok) { window.location.reload(); return; }
          var select = card.querySelector("select[name=status]");
          if (select) { select.value = status; }
          shift(event.from, -1);
          shift(event.to, 1);
        }).catch(function () { window.location.reload(); });
      },
    });
  });
})();
