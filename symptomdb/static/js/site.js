// The site's scripts, one file for every page (one request, cached for a year): each part
// finds its elements and does nothing on pages without them. Every page works without it.

(function () {
  "use strict";

  // Runs one part; an error in it (an old browser missing a method) leaves the others working.
  function part(run) {
    try {
      run();
    } catch (error) {
      if (window.console) {
        window.console.error(error);
      }
    }
  }

  // Condition names as the reader types in the header search, offered by the browser's own
  // suggestion list (<datalist>). Without JavaScript the field is a plain search.
  part(function () {
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
  });

  // A Print button under the article's dates, and the print date beside the page's address.
  // Without JavaScript there is no button (the browser's own Print still uses the print
  // stylesheet) and the page prints its address only.
  part(function () {
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
  });

  /* Keeps the comment being written in localStorage until it is posted, so a long comment
     survives a closed tab, an expired form or a failed post. Without JavaScript the form works
     the same, without the draft. */
  part(function () {

    // After a post, show the reader what happened. A refused form answers at
    // #comment-form-errors, which the browser focuses itself; a thank-you notice is focused
    // once the browser has scrolled to the comment it is about.
    var notice = document.querySelector("[data-comment-notice]");
    if (notice) {
      window.addEventListener("load", function () {
        window.setTimeout(function () {
          notice.focus({ preventScroll: true });
        }, 0);
      });
    }

    var form = document.getElementById("comment-form");
    var storage = null;
    try {
      storage = window.localStorage;
    } catch (error) {
      storage = null;
    }
    if (!form || !storage) {
      return;
    }
    var textarea = form.querySelector("textarea[data-comment-draft]");
    var status = form.querySelector("[data-comment-draft-status]");
    if (!textarea) {
      return;
    }
    var counter = form.querySelector("[data-comment-counter]");
    // The counter (written by this script) describes the box, after its help and errors.
    var statusLine = document.getElementById("comment-body-status");
    if (statusLine) {
      var described = (textarea.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(statusLine.id) === -1) {
        described.push(statusLine.id);
        textarea.setAttribute("aria-describedby", described.join(" ").trim());
      }
    }
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    // One draft per article: the form posts to the article's own comment address.
    var key = "comment-draft:" + form.getAttribute("action").split("#")[0];

    // "1,234" as the page's English dates and numbers are written. Not toLocaleString: its
    // first call loads the browser's locale data, a long task while the page is loading.
    function grouped(number) {
      return String(number).replace(/\B(?=(\d{3})+$)/g, ",");
    }

    function count() {
      if (counter && limit) {
        counter.textContent = grouped(textarea.value.length) + " of " + grouped(limit) +
          " characters.";
      }
    }
    var section = document.getElementById("comments");

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    try {
      if (section && section.hasAttribute("data-comment-posted")) {
        storage.removeItem(key);
      }
      var saved = storage.getItem(key);
      if (saved && !textarea.value.trim()) {
        textarea.value = saved;
        say("Your unsent comment was restored from this browser.");
      }
    } catch (error) {
      return;
    }
    count();

    var timer = null;
    textarea.addEventListener("input", function () {
      count();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          if (textarea.value.trim()) {
            storage.setItem(key, textarea.value);
            say("Draft saved in this browser.");
          } else {
            storage.removeItem(key);
            say("");
          }
        } catch (error) {
          say("");
        }
      }, 400);
    });
  });

  // "Rate author": send the form with fetch and update the rating summary in place.
  // Without JavaScript the same form posts normally and the page redirects back with a message.
  part(function () {

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
  });
})();
