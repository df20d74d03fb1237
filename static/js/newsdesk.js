// Newsdesk page behaviour: small, vanilla, no inline scripts (the CSP forbids them).
"use strict";

// Hovering a highlight marks the tags that cover it in the side list, and back.
document.addEventListener("mouseover", (event) => {
  const mark = event.target.closest("mark.hl, .tag-item");
  document.querySelectorAll(".is-current").forEach((el) => el.classList.remove("is-current"));
  if (!mark) return;
  const ids = mark.dataset.tags ? mark.dataset.tags.split(" ") : [mark.dataset.tag];
  for (const id of ids) {
    document.getElementById(`tag-${id}`)?.classList.add("is-current");
    document
      .querySelectorAll(`mark.hl[data-tags~="${id}"]`)
      .forEach((el) => el.classList.add("is-current"));
  }
});

// The Admin's menu in the top bar (a <details>): Escape shuts it and gives the focus back
// to its summary; a click anywhere else shuts it too, as a menu does.
document.addEventListener("keydown", (event) => {
  const menu = event.target.closest?.("details.nav-menu[open]");
  if (event.key !== "Escape" || !menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.nav-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
