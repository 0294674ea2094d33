// Enhancements only: without this script every card is a section of the page and every marker a
// link to it. With it, choosing a highlight or a marker (click, or Tab then Enter) opens the
// claim's card in a dialog; Escape closes it and focus returns to where it was.
"use strict";
(function () {
  function cardsFor(slugs) {
    return slugs.map(function (s) { return document.getElementById("card-" + s); }).filter(Boolean);
  }
  function open(slugs, opener) {
    var dialog = document.getElementById("card-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return false; }
    var body = dialog.querySelector(".dialog-body");
    body.textContent = "";
    cardsFor(slugs).forEach(function (card) {
      var copy = card.cloneNode(true);
      copy.removeAttribute("id");
      copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
      copy.removeAttribute("aria-labelledby");
      body.appendChild(copy);
    });
    var title = dialog.querySelector("#dialog-title");
    title.textContent = slugs.length > 1 ? slugs.length + " claims quote these words" : "Claim";
    dialog.returnFocusTo = opener;
    dialog.showModal();
    dialog.querySelector("button.close").focus();
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("card-dialog");
    if (dialog) {
      dialog.querySelector("button.close").addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("close", function () {
        if (dialog.returnFocusTo) { dialog.returnFocusTo.focus(); }
      });
    }
    document.querySelectorAll("a.marker").forEach(function (marker) {
      marker.addEventListener("click", function (event) {
        if (open([marker.dataset.claim], marker)) { event.preventDefault(); }
      });
    });
    document.querySelectorAll(".hl").forEach(function (span) {
      span.addEventListener("click", function () { open(span.dataset.claims.split(" "), span); });
    });
    // Served by `medkg serve`: each example query can be opened in the live query editor.
    if ((location.protocol === "http:" || location.protocol === "https:") && document.querySelector("p.run[data-query]")) {
      fetch("/query?query=" + encodeURIComponent("ASK {}"), { headers: { Accept: "application/sparql-results+json" } })
        .then(function (r) {
          if (!r.ok) { return; }
          document.querySelectorAll("p.run[data-query]").forEach(function (p) {
            var text = p.closest("section").querySelector("code.sparql").textContent;
            var a = document.createElement("a");
            a.href = "/?query=" + encodeURIComponent(text);
            a.textContent = "Run it on the live endpoint";
            p.appendChild(a);
            p.hidden = false;
          });
        })
        .catch(function () {});
    }
  });
})();
