/* Keeps the comment being written in localStorage until it is posted, so a long comment
   survives a closed tab, an expired form or a failed post. Without JavaScript the form works
   the same, without the draft. */
(function () {
  "use strict";

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
})();
