// Condition names as the reader types in the header search, offered by the browser's own
// suggestion list (<datalist>). Without JavaScript the field is a plain search.
(function () {
  "use strict";
  var input = document.querySelector("[data-suggest]");
  if (!input || !window.fetch) {
    return;
  }
  var list = document.createElement("datalist");
  list.id = "site-search-suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  var timer;
  var asked = "";
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 2 || query === asked) {
      return;
    }
    timer = window.setTimeout(function () {
      asked = query;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.names.map(function (name) {
            var option = document.createElement("option");
            option.value = name;
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
