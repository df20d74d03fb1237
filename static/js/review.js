// Review queue keyboard: j/k move between tags, a accepts, r rejects the current one.
// Keys are matched on KeyboardEvent.code (the physical key), so they work the same with
// an Arabic keyboard layout, where "a" types "ش".
"use strict";

const KEYS = { KeyJ: "next", KeyK: "previous", KeyA: "accepted", KeyR: "rejected" };

function rows() {
  return Array.from(document.querySelectorAll(".review-row"));
}

function current() {
  return document.querySelector(".review-row.is-current");
}

function select(row) {
  if (!row) return;
  current()?.classList.remove("is-current");
  row.classList.add("is-current");
  // Focus stays where a click put it: taking it from the button that was just clicked
  // makes htmx forget that button, and the decision would be sent without its state.
  if (!row.contains(document.activeElement)) row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const all = rows();
  const index = all.indexOf(current());
  select(all[Math.min(Math.max(index + step, 0), all.length - 1)] || all[0]);
}

document.addEventListener("keydown", (event) => {
  const action = KEYS[event.code];
  if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
  // Typing a comment or a filter must not trigger shortcuts.
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  event.preventDefault();
  if (action === "next") return move(1);
  if (action === "previous") return move(-1);
  const row = current() || rows()[0];
  if (!row) return;
  select(row);
  // A real click, so htmx sends the button's name=value with the form.
  row.querySelector(`button[name="state"][value="${action}"]`)?.click();
});

document.addEventListener("click", (event) => {
  const row = event.target.closest(".review-row");
  if (row && !event.target.closest("a")) select(row);
});

// 409 (someone edited the tag meanwhile) and 400 carry a row to show: swap them too.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 409 || status === 400) && event.detail.target.closest?.(".review-row")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// After a decision the row is replaced (htmx:load fires on the new row): keep the
// place, and once decided move on to the next tag.
document.addEventListener("htmx:load", (event) => {
  const row = event.detail.elt;
  if (!row.classList?.contains("review-row")) return;
  select(row);
  if (row.dataset.decided) move(1);
});

document.addEventListener("DOMContentLoaded", () => select(rows()[0]));
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target.id === "queue") select(rows()[0]);
});
