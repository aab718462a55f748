// Line marks on a snippet page: #L12 or #L3-7 in the URL marks lines; clicking a line
// number marks it, shift-clicking marks the range from the last mark. And the style picker
// applies on change; the share page's link is selected on focus. Works on the
// server-rendered page; without JS the links still jump. No inline script: the pages' CSP
// allows scripts from the site only.
(function () {
  "use strict";
  var view = document.querySelector(".code-view");
  var anchor = null;

  function range() {
    var m = /^#L(\d+)(?:-L?(\d+))?$/.exec(window.location.hash);
    if (!m) return null;
    var a = parseInt(m[1], 10), b = m[2] ? parseInt(m[2], 10) : a;
    return a <= b ? [a, b] : [b, a];
  }

  function mark(lines, scroll) {
    if (!view) return;
    view.querySelectorAll(".marked").forEach(function (el) { el.classList.remove("marked"); });
    if (!lines) return;
    for (var n = lines[0]; n <= lines[1]; n++) {
      var line = document.getElementById("L-" + n), number = document.getElementById("L" + n);
      if (!line) break;
      line.classList.add("marked");
      if (number) number.classList.add("marked");
    }
    var first = document.getElementById("L" + lines[0]);
    if (scroll && first) first.scrollIntoView({ block: "center" });
  }

  if (view) {
    view.querySelector(".gutter").addEventListener("click", function (event) {
      var link = event.target.closest("a[id^=L]");
      if (!link) return;
      event.preventDefault();
      var n = parseInt(link.id.slice(1), 10);
      var lines = event.shiftKey && anchor ? [Math.min(anchor, n), Math.max(anchor, n)] : [n, n];
      if (!event.shiftKey) anchor = n;
      var hash = lines[0] === lines[1] ? "#L" + lines[0] : "#L" + lines[0] + "-" + lines[1];
      history.replaceState(null, "", hash);
      mark(lines, false);
    });
    window.addEventListener("hashchange", function () { mark(range(), true); });
    var initial = range();
    if (initial) anchor = initial[0];
    mark(initial, true);
  }

  var share = document.querySelector(".share-link");
  if (share) share.addEventListener("focus", function () { share.select(); });

  var picker = document.querySelector(".style-picker select");
  if (picker) picker.addEventListener("change", function () { picker.form.submit(); });
})();
