// Homeward's script. Everything works without it; it only makes forms kinder.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce the problems at once.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A tired double tap must not send a form twice.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      var button = form.querySelector("[data-prevent-double-click]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
      }
      // Allow another submit after a while, in case the first one never left the phone.
      window.setTimeout(function () {
        form.dataset.submitted = "false";
        if (button) {
          button.removeAttribute("aria-disabled");
        }
      }, 5000);
    });
  });
})();
