// The playground: send the form to the JSON API and show the highlighted result.
(function () {
  "use strict";
  var form = document.getElementById("playground");
  var preview = document.getElementById("preview");
  var error = document.getElementById("error");

  function render() {
    var body = { code: form.code.value, lexer: form.lexer.value };
    fetch(form.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          error.textContent = data.error.message;
          error.hidden = false;
          return;
        }
        error.hidden = true;
        preview.innerHTML = data.output; // built by Pygments, which escapes the code
      });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); render(); });
  render();
})();
