// The playground: every change (debounced) posts the form to the JSON API and shows the
// result. Only Pygments' own HTML is inserted as HTML (it escapes the code); everything
// else the visitor typed or the server said goes in through textContent/value.
(function () {
  "use strict";
  var form = document.getElementById("playground");
  var preview = document.getElementById("preview");
  var error = document.getElementById("error");
  var status = document.getElementById("status");
  var curl = document.getElementById("curl");
  var htmlSource = document.getElementById("html-source");
  var cssSource = document.getElementById("css-source");
  var styleLink = document.getElementById("style-css");
  // The dark default (dark mode only) gives way once the visitor picks a style.
  form.style.addEventListener("change", function () {
    var darkDefault = document.getElementById("style-css-dark");
    if (darkDefault) darkDefault.remove();
  });
  var copied = document.getElementById("copied");
  var apiUrl = new URL(form.dataset.api, location.href).href;
  var latest = 0;
  var timer = null;

  // The line numbers typed in "Highlight lines" ("2, 4 7"), or the first word that is not one.
  function lineNumbers(text) {
    var words = text.split(/[\s,]+/).filter(Boolean);
    var wrong = words.filter(function (word) { return !/^[1-9][0-9]{0,8}$/.test(word); })[0];
    return wrong === undefined ? { lines: words.map(Number) } : { wrong: wrong };
  }

  // The request body the form stands for.
  function fields() {
    var options = {};
    if (form.linenos.value) options.linenos = form.linenos.value;
    var start = parseInt(form.linenostart.value, 10);
    if (start > 1) options.linenostart = start;
    var lines = lineNumbers(form.hl_lines.value).lines || [];
    if (lines.length) options.hl_lines = lines;
    if (form.noclasses.checked) options.noclasses = true;
    if (form.wrapcode.checked) options.wrapcode = true;
    var body = { code: form.code.value, style: form.style.value };
    if (form.lexer.value) body.lexer = form.lexer.value; else body.guess = true;
    if (Object.keys(options).length) body.options = options;
    return body;
  }

  // POSIX shell quoting: inside '...' nothing is special except ' itself.
  function shellQuote(text) {
    return "'" + text.replace(/'/g, "'\\''") + "'";
  }

  function curlCommand(body) {
    return "curl -sS " + shellQuote(apiUrl) + " \\\n  -H 'Content-Type: application/json' \\\n  --data-binary " +
      shellQuote(JSON.stringify(body));
  }

  function cssUrl(template, style) {
    return template.replace("STYLE", encodeURIComponent(style));
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
  }

  function render() {
    var typed = lineNumbers(form.hl_lines.value);
    if (typed.wrong !== undefined) {  // said here, in words, rather than sent as null
      latest++;
      status.textContent = "";
      showError("Highlight lines takes line numbers separated by commas or spaces, such as 2,4; \u201c" +
                typed.wrong + "\u201d is not one.");
      return;
    }
    var body = fields();
    var ticket = ++latest;
    curl.textContent = curlCommand(body);
    styleLink.href = cssUrl(form.dataset.css, body.style);
    status.textContent = "Highlighting…";
    fetch(apiUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== latest) return; // a newer request is on its way
        status.textContent = "";
        if (data.error) {
          showError(data.error.message);
          return;
        }
        error.hidden = true;
        preview.innerHTML = data.output; // Pygments' HTML: the code in it is escaped
        htmlSource.value = data.output;
        status.textContent = "Lexer: " + data.lexer.name + detectedBy(data.detection);
      })
      .catch(function (failure) {
        if (ticket === latest) showError("The highlighter did not answer: " + failure);
      });
  }

  // " (detected by the model, 97 % sure)": which rule of /api/guess chose the lexer, and how surely.
  function detectedBy(detection) {
    if (!detection) return "";
    if (detection.rule === "fallback") return " (no language detected surely enough)";
    var rule = { filename: "the file name", shebang: "the #! line", modeline: "the modeline", model: "the model",
                 pygments: "Pygments' guess" }[detection.rule] || detection.rule;
    return " (detected by " + rule + ", " + Math.round(detection.confidence * 100) + " % sure)";
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(render, 250);
  }

  function copy(text, what) {
    function done() { copied.textContent = what + " copied."; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { copied.textContent = "Select the text below and copy it."; });
    } else {
      copied.textContent = "Select the text below and copy it.";
    }
    form.parentNode.querySelector("details").open = true;
  }

  document.getElementById("copy-html").addEventListener("click", function () {
    copy(htmlSource.value, "HTML");
    htmlSource.select();
  });
  document.getElementById("copy-css").addEventListener("click", function () {
    fetch(cssUrl(form.dataset.cssPlain, form.style.value))
      .then(function (response) { return response.text(); })
      .then(function (css) {
        cssSource.value = css;
        copy(css, "CSS");
        cssSource.select();
      });
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) { event.preventDefault(); render(); });
  render();
})();
