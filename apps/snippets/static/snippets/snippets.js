// Line marks on a snippet page: #L12 or #L3-7 in the URL marks lines of a one-file page;
// #app.py-L12 or #app.py-L12-L20 marks lines of the file app.py on a page of several files
// (each code block's anchors carry its file's name). Clicking a line number marks it,
// shift-clicking marks the range from the last mark in the same file. Copy buttons (hidden
// without JS) copy a file's code, a link (made absolute) or the text beside them. The style
// picker applies on change; the share page's link is selected on focus. Works on the
// server-rendered page; without JS the links still jump. No inline script: the pages' CSP
// allows scripts from the site only.
(function () {
  "use strict";
  var views = document.querySelectorAll(".code-view");
  var anchor = null; // {prefix, line}: the last line clicked

  function byId(id) { return document.getElementById(id); }

  // "#app.py-L12-L20" -> {prefix: "app.py-", lines: [12, 20]}, when those lines exist.
  function range() {
    var hash;
    try { hash = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return null; }
    var m = /^(.*)L(\d+)-L?(\d+)$/.exec(hash);
    if (m && byId(m[1] + "L" + m[2])) return found(m[1], m[2], m[3]);
    m = /^(.*)L(\d+)$/.exec(hash);
    if (m && byId(m[1] + "L" + m[2])) return found(m[1], m[2], m[2]);
    return null;
  }

  function found(prefix, a, b) {
    a = parseInt(a, 10); b = parseInt(b, 10);
    return { prefix: prefix, lines: a <= b ? [a, b] : [b, a] };
  }

  function mark(marked, scroll) {
    document.querySelectorAll(".code-view .marked").forEach(function (el) {
      el.classList.remove("marked", "hll");
      el.style.backgroundColor = "";  // readable()'s mix, if any
    });
    if (!marked) return;
    for (var n = marked.lines[0]; n <= marked.lines[1]; n++) {
      var line = byId(marked.prefix + "L-" + n), number = byId(marked.prefix + "L" + n);
      if (!line) break;
      line.classList.add("marked", "hll");  // hll: the Pygments style's own highlight colour
      if (number) number.classList.add("marked");
    }
    var first = byId(marked.prefix + "L" + marked.lines[0]);
    views.forEach(readable);
    if (scroll && first) first.scrollIntoView({ block: "center" });
  }

  // A marked line shows the style's own highlight colour; where the style's text cannot be read
  // on it (coffee's, gruvbox's, one-dark's are near their text colour), that colour is mixed
  // toward the code's background until the text reads at 4.5:1, keeping at least a tenth of it
  // so that the mark still shows. Again when light or dark changes the style.
  function channels(css) {
    var m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(css || "");
    return m && (m[4] === undefined || parseFloat(m[4]) === 1) ? [+m[1], +m[2], +m[3]] : null;
  }

  function luminance(c) {
    var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  function readable(view) {
    var lines = view.querySelectorAll(".code .marked");
    lines.forEach(function (line) { line.style.backgroundColor = ""; });
    if (!lines.length) return;
    var code = view.querySelector(".code .highlight") || view;
    var own = channels(getComputedStyle(lines[0]).backgroundColor), text = channels(getComputedStyle(lines[0]).color);
    var back = channels(getComputedStyle(code).backgroundColor);
    if (!own || !text || !back || contrast(text, own) >= 4.5) return;
    var mixed = own;
    for (var t = 0.05; t <= 0.9 + 1e-9; t += 0.05) {
      mixed = own.map(function (x, i) { return Math.round(x + (back[i] - x) * t); });
      if (contrast(text, mixed) >= 4.5) break;
    }
    lines.forEach(function (line) { line.style.backgroundColor = "rgb(" + mixed.join(", ") + ")"; });
  }
  if (views.length && window.MutationObserver) {
    new MutationObserver(function () { views.forEach(readable); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  }

  function hashOf(marked) {
    var a = marked.lines[0], b = marked.lines[1];
    if (!marked.prefix) return a === b ? "#L" + a : "#L" + a + "-" + b; // a one-file page, as always
    return "#" + marked.prefix + "L" + a + (a === b ? "" : "-L" + b);
  }

  views.forEach(function (view) {
    view.querySelector(".gutter").addEventListener("click", function (event) {
      var link = event.target.closest(".gutter a[id]");
      if (!link) return;
      var m = /^(.*)L(\d+)$/.exec(link.id);
      if (!m) return;
      event.preventDefault();
      var prefix = m[1], n = parseInt(m[2], 10);
      var same = event.shiftKey && anchor && anchor.prefix === prefix;
      var marked = { prefix: prefix, lines: same ? [Math.min(anchor.line, n), Math.max(anchor.line, n)] : [n, n] };
      if (!same) anchor = { prefix: prefix, line: n };
      history.replaceState(null, "", hashOf(marked));
      mark(marked, false);
    });
  });
  if (views.length) {
    window.addEventListener("hashchange", function () { mark(range(), true); });
    var initial = range();
    if (initial) anchor = { prefix: initial.prefix, line: initial.lines[0] };
    mark(initial, true);
  }

  // Copy buttons: data-copy-url (a link, made absolute), data-copy-target (a file's code: its
  // exact text fetched from its raw URL, data-raw, else the text shown without the line
  // numbers), data-copy-previous (the element before the button: the delete token).
  function copyText(button) {
    if (button.hasAttribute("data-copy-url")) {
      return Promise.resolve(new URL(button.getAttribute("data-copy-url"), window.location.href).href);
    }
    if (button.hasAttribute("data-copy-previous")) {
      return Promise.resolve(button.previousElementSibling.textContent);
    }
    var target = byId(button.getAttribute("data-copy-target"));
    if (!target) return Promise.reject(new Error("nothing to copy"));
    if (target.tagName === "INPUT") return Promise.resolve(target.value);
    if (target.hasAttribute("data-raw")) {
      return fetch(target.getAttribute("data-raw")).then(function (response) { return response.text(); });
    }
    var code = target.querySelector(".code") || target;
    return Promise.resolve(code.textContent.replace(/\n$/, ""));
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(button).then(function (text) {
        return navigator.clipboard.writeText(text);
      }).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed";
      }).then(function () {
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });

  // The embed code names the script by its absolute URL (the page itself, cached for everyone, holds only its path).
  var embed = document.querySelector("input[data-embed-src]");
  if (embed) {
    embed.value = '<script src="' + new URL(embed.getAttribute("data-embed-src"), window.location.href).href + '"></script>';
    embed.addEventListener("focus", function () { embed.select(); });
  }

  var share = document.querySelector(".share-link");
  if (share) share.addEventListener("focus", function () { share.select(); });

  var picker = document.querySelector(".style-picker select");
  if (picker) picker.addEventListener("change", function () { picker.form.submit(); });
})();
