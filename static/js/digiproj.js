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
  // A table wider than the screen scrolls in its wrapper: the wrapper becomes a named region
  // that takes keyboard focus, so it can be scrolled with the arrow keys (WCAG 2.1.1).
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var caption = wrap.querySelector("caption");
      var section = wrap.closest("section[aria-labelledby]");
      var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
      // The section's heading first: two projects' tables may share a caption.
      var name = [heading, caption].filter(Boolean).map(function (e) {
        return e.textContent.trim();
      }).join(": ");
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (name) wrap.setAttribute("aria-label", name);
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollableTables);
  window.addEventListener("resize", scrollableTables);
  document.addEventListener("htmx:afterSettle", scrollableTables);
  // Move focus to the error summary so keyboard and screen-reader users find it at once.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  });
})();
