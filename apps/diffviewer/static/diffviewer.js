// Collapsed unchanged lines: a button shows or hides them; a link to a hidden line (#L12) opens its run
// (and, on a review page, the folded file it is in).
(function () {
  "use strict";

  function toggle(button, open) {
    var rows = document.getElementById(button.getAttribute("data-target"));
    if (!rows) return;
    if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
    rows.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "Hide unchanged lines" : button.getAttribute("data-label");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.expand");
    if (button) toggle(button, button.getAttribute("aria-expanded") !== "true");
  });

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var file = target && target.closest("details.file");  // a review page's file, folded away
    if (file && !file.open) {
      file.open = true;
      target.scrollIntoView();
    }
    var rows = target && target.closest("tbody.collapsed");
    if (!rows || !rows.hidden) return;
    var button = document.querySelector('button.expand[data-target="' + rows.id + '"]');
    if (button) toggle(button, true);
    target.scrollIntoView({ block: "center" });
  }

  window.addEventListener("hashchange", reveal);
  reveal();
})();

// Side by side on a phone is shown one column at a time (diffviewer.css); a button brings the two
// columns back, and the choice is kept for the next page.
(function () {
  "use strict";
  var KEY = "diff-keep-sides";

  function stored() {
    try { return window.localStorage.getItem(KEY) === "yes"; } catch (e) { return false; }
  }

  function store(keep) {
    try { window.localStorage.setItem(KEY, keep ? "yes" : "no"); } catch (e) { /* only this page then */ }
  }

  document.querySelectorAll("table.diff.side-by-side").forEach(function (table) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sides-toggle";
    function show(keep) {
      table.classList.toggle("keep-sides", keep);
      button.textContent = keep ? "One column (narrow screen)" : "Side by side anyway";
      button.setAttribute("aria-pressed", keep ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var keep = !table.classList.contains("keep-sides");
      store(keep);
      show(keep);
    });
    show(stored());
    table.parentNode.insertBefore(button, table);
  });
})();
