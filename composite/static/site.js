/* What every page of the site does in the browser; loaded in <head>, synchronously, so the page
   is painted in its colours from the start (no inline script: the CSP forbids it).

   Light or dark: the visitor's choice (the header's toggle) is kept in localStorage and in a
   "theme" cookie; without one the page follows the system's prefers-color-scheme, live. The
   outcome is a class on <html>, "dark" or "light", which site.css and each app's CSS read (with
   a media query doing the same without script).

   Keyboard: Ctrl+Enter (Cmd+Enter on a Mac) in a form's field sends the form, as its first submit
   button would: the paste, fork and edit forms, the diff and review forms. */
(function () {
  "use strict";
  var KEY = "theme", root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function chosen() {
    try {
      var value = window.localStorage.getItem(KEY);
      if (value === "dark" || value === "light") return value;
    } catch (e) { /* storage refused: fall back to the cookie */ }
    var match = /(?:^|;\s*)theme=(dark|light)\b/.exec(document.cookie);
    return match ? match[1] : null;
  }

  function current() {
    return chosen() || (system && system.matches ? "dark" : "light");
  }

  function apply() {
    var theme = current();
    root.classList.toggle("dark", theme === "dark");
    root.classList.toggle("light", theme === "light");
    var button = document.querySelector(".theme-toggle");
    if (button) {
      button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      button.textContent = theme === "dark" ? "☀ Light" : "☾ Dark";
      button.title = theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme";
    }
  }

  function choose(theme) {
    try { window.localStorage.setItem(KEY, theme); } catch (e) { /* the cookie still keeps it */ }
    document.cookie = KEY + "=" + theme + "; path=/; max-age=31536000; SameSite=Lax";
    apply();
  }

  function addToggle() {
    var header = document.querySelector(".site-header");
    if (!header || header.querySelector(".theme-toggle")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    button.addEventListener("click", function () { choose(current() === "dark" ? "light" : "dark"); });
    header.appendChild(button);
    apply();
  }

  apply();
  if (system) {
    if (system.addEventListener) system.addEventListener("change", apply);
    else if (system.addListener) system.addListener(apply);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addToggle);
  else addToggle();
})();

(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.defaultPrevented || event.isComposing) return;
    var form = event.target && event.target.form;
    var button = form && form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
    if (!button || button.disabled) return;  // a form without a submit button (the playground) works live
    event.preventDefault();
    form.requestSubmit(button);
  });
})();
