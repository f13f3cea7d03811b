// Move an article's sections up or down in the admin: swaps the "position" numbers of two
// neighbouring sections and their place on the page. Saving the article stores the order.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const group = document.getElementById("sections-group");
  if (!group) {
    return;
  }
  const rows = () =>
    Array.from(group.querySelectorAll(".inline-related:not(.empty-form)")).filter((row) =>
      row.querySelector('input[name$="-position"]'),
    );
  const position = (row) => row.querySelector('input[name$="-position"]');

  function swap(row, offset) {
    const all = rows();
    const other = all[all.indexOf(row) + offset];
    if (!other) {
      return;
    }
    const mine = position(row).value;
    position(row).value = position(other).value;
    position(other).value = mine;
    if (offset < 0) {
      other.before(row);
    } else {
      other.after(row);
    }
    row.querySelector("button.section-move")?.focus();
  }

  function addButtons(row) {
    if (row.querySelector(".section-move")) {
      return;
    }
    const bar = document.createElement("p");
    bar.className = "section-move-bar";
    for (const [label, offset] of [["Move up", -1], ["Move down", 1]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button section-move";
      button.textContent = label;
      button.addEventListener("click", () => swap(row, offset));
      bar.append(button, " ");
    }
    row.querySelector("h3")?.after(bar);
  }

  rows().forEach(addButtons);
  document.addEventListener("formset:added", (event) => {
    if (event.target.closest("#sections-group")) {
      addButtons(event.target);
    }
  });
});
