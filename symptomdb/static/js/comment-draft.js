/* Keeps the comment being written in localStorage until it is posted, so a long comment
   survives a closed tab, an expired form or a failed post. Without JavaScript the form works
   the same, without the draft. */
(function () {
  "use strict";

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
  var limit = parseInt(textarea.getAttribute("maxlength"), 10);
  // One draft per article: the form posts to the article's own comment address.
  var key = "comment-draft:" + form.getAttribute("action").split("#")[0];

  function count() {
    if (counter && limit) {
      counter.textContent = textarea.value.length.toLocaleString() + " of " +
        limit.toLocaleString() + " characters.";
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
