// Quote suggestions on the reading page: keyboard accept/dismiss, and linking
// the dashed passages in the text with their entries in the side list.
// Keys are matched on KeyboardEvent.code (the physical key), as in review.js, so they work
// the same on an Arabic layout: A types "ش" there, D types "ي".
"use strict";

(() => {
  const ACTIONS = { Enter: "accept", NumpadEnter: "accept", KeyA: "accept", KeyD: "dismiss" };
  let resumeAt = null; // the list position to focus once the list comes back

  const items = () => [...document.querySelectorAll(".suggestion[tabindex]")];

  function markCurrent(id) {
    document.querySelectorAll(".sg.is-current, .suggestion.is-current").forEach((el) => {
      el.classList.remove("is-current");
    });
    document.getElementById(`sg-${id}`)?.classList.add("is-current");
    document
      .querySelectorAll(`#article-body .sg[data-sg~="${id}"]`)
      .forEach((el) => el.classList.add("is-current"));
  }

  document.addEventListener("keydown", (event) => {
    const item = event.target instanceof Element && event.target.closest(".suggestion[tabindex]");
    if (!item || event.target !== item) return; // not while a button or summary has focus
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = ACTIONS[event.code] || ACTIONS[event.key];
    if (action) {
      event.preventDefault();
      resumeAt = items().indexOf(item);
      item.querySelector(`button.${action}`)?.click();
      return;
    }
    // In right-to-left text the next entry is to the left, as in tagging.js.
    const rtl = getComputedStyle(item).direction === "rtl";
    const step = { ArrowDown: 1, ArrowUp: -1, ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1 }[
      event.key
    ];
    if (!step) return;
    event.preventDefault();
    const all = items();
    const next = all[all.indexOf(item) + step];
    if (next) {
      next.focus();
      document
        .querySelector(`#article-body .sg[data-sg~="${next.dataset.suggestion}"]`)
        ?.scrollIntoView({ block: "nearest" });
    }
  });

  document.addEventListener("focusin", (event) => {
    if (event.target.matches?.(".suggestion")) markCurrent(event.target.dataset.suggestion);
  });

  // Clicking a dashed passage that is not also a tag picks its suggestion in the list
  // (a click on a tag's highlight still opens the tag, see tagging.js).
  document.addEventListener("click", (event) => {
    const span = event.target.closest?.("#article-body .sg");
    if (!span || span.closest("mark.hl") || !document.getSelection().isCollapsed) return;
    const id = span.dataset.sg.split(" ")[0];
    const item = document.getElementById(`sg-${id}`);
    if (!item) return;
    item.scrollIntoView({ block: "nearest" });
    if (item.tabIndex >= 0) item.focus();
    else markCurrent(id);
  });

  // A decision (button or key) keeps the editor's place: focus the entry now at the same
  // position once the new list is swapped in.
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.(".suggestion .actions button");
    if (button && resumeAt === null) resumeAt = items().indexOf(button.closest(".suggestion"));
  });
  document.body.addEventListener("htmx:load", (event) => {
    const root = event.detail.elt;
    const list = root.id === "suggestions" ? root : root.querySelector?.("#suggestions");
    if (!list || resumeAt === null) return;
    const all = items();
    const next = all[Math.min(resumeAt, all.length - 1)];
    resumeAt = null;
    next?.focus({ preventScroll: true });
  });
})();
