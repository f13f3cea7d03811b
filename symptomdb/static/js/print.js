// The article's Print button and the print date: without JavaScript there is no button (the
// browser's own Print still uses the print stylesheet) and the page prints its address only.
(function () {
  "use strict";
  var date = document.querySelector("[data-print-date]");
  function stamp() {
    if (date) {
      date.textContent = " on " + new Date().toLocaleDateString(undefined, {
        day: "numeric", month: "long", year: "numeric",
      });
    }
  }
  stamp();
  window.addEventListener("beforeprint", stamp);
  document.querySelectorAll("[data-print-button]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
