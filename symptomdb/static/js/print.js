// A Print button under the article's dates, and the print date beside the page's address.
// Without JavaScript there is no button (the browser's own Print still uses the print
// stylesheet) and the page prints its address only.
(function () {
  "use strict";
  var date = document.querySelector("[data-print-date]");
  // "30 November 2026", as the page writes its own dates. Not toLocaleDateString: its first
  // call loads the browser's locale data, a long task while the page is loading.
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  function stamp() {
    if (date) {
      var today = new Date();
      date.textContent = " on " + today.getDate() + " " + MONTHS[today.getMonth()] + " " +
        today.getFullYear();
    }
  }
  stamp();
  window.addEventListener("beforeprint", stamp);
  // The page keeps a slot for the button, as tall as the button when scripts run
  // (site.css), so adding it moves nothing on the screen.
  var action = document.querySelector("[data-print-action]");
  if (action) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary";
    button.textContent = "Print this page";
    button.addEventListener("click", function () { window.print(); });
    action.appendChild(button);
  }
})();
