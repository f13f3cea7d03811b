// A Print button after the article's dates, and the print date beside the page's address.
// Without JavaScript there is no button (the browser's own Print still uses the print
// stylesheet) and the page prints its address only.
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
  var dates = document.querySelector(".article-dates");
  if (dates) {
    var action = document.createElement("p");
    action.className = "print-action";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary";
    button.textContent = "Print this page";
    button.addEventListener("click", function () { window.print(); });
    action.appendChild(button);
    dates.parentNode.insertBefore(action, date ? date.parentNode.nextSibling : dates.nextSibling);
  }
})();
