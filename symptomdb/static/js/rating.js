// "Rate author": send the form with fetch and update the rating summary in place.
// Without JavaScript the same form posts normally and the page redirects back with a message.
(function () {
  "use strict";

  function replaceSummary(form, html) {
    var current = document.getElementById(form.dataset.summary);
    if (!current || !html) {
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.firstElementChild;
    if (fresh) {
      current.replaceWith(fresh);
    }
  }

  function setText(form, selector, text) {
    var node = form.querySelector(selector);
    if (node) {
      node.textContent = text;
    }
  }

  function submit(event) {
    var form = event.target;
    if (!form.matches("[data-rating-form]") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    setText(form, "[data-rating-status]", "Saving your rating…");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          return { ok: false, error: "Your rating could not be saved (error " + response.status + "). Please reload the page and try again." };
        }
        return response.json();
      })
      .then(function (data) {
        if (data.ok) {
          replaceSummary(form, data.summary_html);
          setText(
            form,
            "[data-rating-current]",
            "Your rating: " + data.score + " of 5." + (data.held ? " It counts once our checks pass." : "")
          );
          if (button) {
            button.textContent = "Change rating";
          }
        }
        setText(form, "[data-rating-status]", data.ok ? data.message : data.error);
        // Keyboard users stay where they were: on the result of their rating.
        var status = form.querySelector("[data-rating-status]");
        if (status) {
          status.setAttribute("tabindex", "-1");
          status.focus();
        }
      })
      .catch(function () {
        setText(form, "[data-rating-status]", "Your rating could not be sent. Check your connection and try again.");
      })
      .finally(function () {
        if (button) {
          button.disabled = false;
        }
      });
  }

  document.addEventListener("submit", submit);
})();
