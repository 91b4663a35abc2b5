// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // A form marked data-once submits once: a double click does not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  });
  // A print button (the attendance list): no inline onclick, the CSP allows no inline script.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  // A copy button (hidden without JavaScript) copies a block's text, e.g. the final report.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        var status = button.parentElement.querySelector("[data-copy-status]");
        navigator.clipboard.writeText(source.innerText).then(function () {
          if (status) status.textContent = button.dataset.copied || "";
        });
      });
    });
  });
  // The goal form shows only the parameters the chosen measure reads (all without script).
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("measure-fields");
    var select = document.getElementById("id_measure");
    if (!data || !select) return;
    var used = JSON.parse(data.textContent);
    function update() {
      var mine = used[select.value] || used._all;
      used._all.forEach(function (name) {
        var input = document.getElementById("id_" + name);
        var wrap = input && input.closest(".field");
        if (wrap) wrap.hidden = mine.indexOf(name) < 0;
      });
    }
    select.addEventListener("change", update);
    update();
  });
  // Move focus to the error summary so keyboard and screen-reader users find it at once.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  });
})();
