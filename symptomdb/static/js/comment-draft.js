/* Keeps the comment being written in localStorage until it is posted, so a long comment
   survives a closed tab, an expired form or a failed post. Without JavaScript the form works
   the same, without the draft. */
(function () {
  "use strict";

  var form = document.getElementById("comment-form");
  if (!form || !window.localStorage) {
    return;
  }
  var textarea = form.querySelector("textarea[data-comment-draft]");
  var status = form.querySelector("[data-comment-draft-status]");
  if (!textarea) {
    return;
  }
  var key = "comment-draft:" + window.location.pathname;
  var section = document.getElementById("comments");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  try {
    if (section && section.hasAttribute("data-comment-posted")) {
      window.localStorage.removeItem(key);
    }
    var saved = window.localStorage.getItem(key);
    if (saved && !textarea.value.trim()) {
      textarea.value = saved;
      say("Your unsent comment was restored from this browser.");
    }
  } catch (error) {
    return;
  }

  var timer = null;
  textarea.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      try {
        if (textarea.value.trim()) {
          window.localStorage.setItem(key, textarea.value);
          say("Draft saved in this browser.");
        } else {
          window.localStorage.removeItem(key);
          say("");
        }
      } catch (error) {
        say("");
      }
    }, 400);
  });
})();
