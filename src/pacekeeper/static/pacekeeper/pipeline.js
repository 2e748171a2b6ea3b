// Pipeline board: drag a deal to another stage; the server keeps the truth (POST, then reload on failure).
document.querySelectorAll(".board .cards-list").forEach(function (list) {
  Sortable.create(list, {
    group: "pipeline",
    animation: 120,
    filter: "select, a, button",
    preventOnFilter: false,
    onAdd: function (event) {
      var card = event.item;
      var body = new FormData();
      body.append("stage", event.to.dataset.stage);
      fetch(card.dataset.url, {
        method: "POST",
        body: body,
        headers: {"X-CSRFToken": JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"], "HX-Request": "true"},
        credentials: "same-origin",
      }).then(function (response) {
        if (!response.ok) { window.location.reload(); return; }
        var select = card.querySelector("select[name=stage]");
        if (select) { select.value = event.to.dataset.stage; }
      }).catch(function () { window.location.reload(); });
    },
  });
});
