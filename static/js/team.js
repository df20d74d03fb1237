// Keyboard for "my work" (j/k move, Enter opens) and adjudication (a / b / 2 / n decide
// the first open item: after each decision the page reloads with the next one first).
(function () {
  "use strict";
  function typing(event) {
    const tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.ctrlKey || event.metaKey || event.altKey;
  }
  // "?" opens the guidelines from "my work", as it does on the reading page.
  document.addEventListener("keydown", (event) => {
    const help = document.getElementById("guidelines-link");
    if (help && !typing(event) && (event.key === "?" || event.key === "؟")) help.click();
  });
  const work = document.getElementById("my-work");
  if (work) {
    const items = Array.from(work.querySelectorAll(".work-item"));
    let current = Math.max(0, items.findIndex((li) => !li.classList.contains("state-done")));
    if (items.length) items[current].classList.add("current");
    document.addEventListener("keydown", (event) => {
      if (typing(event) || !items.length) return;
      if (event.key === "j" || event.key === "k") {
        items[current].classList.remove("current");
        current = Math.min(items.length - 1, Math.max(0, current + (event.key === "j" ? 1 : -1)));
        items[current].classList.add("current");
        items[current].focus();
      } else if (event.key === "Enter" && event.target === items[current]) {
        items[current].querySelector("a").click();
      }
    });
  }
  const list = document.getElementById("adjudication");
  if (list) {
    document.addEventListener("keydown", (event) => {
      if (typing(event)) return;
      const first = list.querySelector(".adjudication-item");
      const button = first && first.querySelector(`button[data-key="${event.key}"]`);
      if (button) {
        event.preventDefault();
        button.click();
      }
    });
  }
})();
