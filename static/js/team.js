// Keyboard for "my work" (j/k move, Enter opens) and adjudication (1–9 / a / n / e decide
// the first open item), and the adjudication's edit form (select text to set the span).
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
  // Adjudication: the keys act on the first open item (after each decision the page
  // reloads with the next one first). Physical keys (KeyboardEvent.code), so they work
  // on an Arabic layout and the numeric keypad too: 1–9 take that candidate, a takes all,
  // n neither, e opens the edit form.
  const list = document.getElementById("adjudication");
  const keyOf = (code) => (/^(?:Digit|Numpad)([1-9])$|^Key([ANE])$/.exec(code) || []).slice(1).join("").toLowerCase();
  if (list) {
    document.addEventListener("keydown", (event) => {
      // While the edit form is open, keys belong to it (Escape even after a click in its
      // passage moved the focus out of it).
      const form = list.querySelector(".adjudication-edit");
      if (form) {
        editFormKeys(event, form);
        return;
      }
      if (typing(event)) return;
      const first = list.querySelector(".adjudication-item");
      const key = keyOf(event.code);
      const control = key && first && first.querySelector(`[data-key="${key}"]`);
      if (control) {
        event.preventDefault();
        control.click();
      }
    });
  }

  // The edit form: Enter saves (Shift+Enter is a new line in the note), Escape cancels.
  function editFormKeys(event, form) {
    if (event.key === "Escape") {
      event.preventDefault();
      form.querySelector("a.cancel").click();
    } else if (event.key === "Enter" && event.target.matches("textarea") && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit(form.querySelector("button.save"));
    }
  }

  // The form arrives: focus its kind, so the keyboard can go on from there.
  document.body.addEventListener("htmx:load", (event) => {
    const form = event.detail.elt.matches?.(".adjudication-edit")
      ? event.detail.elt
      : event.detail.elt.querySelector?.(".adjudication-edit");
    if (!form) return;
    form.querySelector("input[type=radio]:checked")?.focus();
    form.scrollIntoView({ block: "nearest" });
  });
  const opened = document.querySelector(".adjudication-edit"); // without htmx: the page
  opened?.querySelector("input[type=radio]:checked")?.focus();

  // Selecting text in the form's passage makes it the span: the offsets go into the
  // form and the mark moves to the selection (once the drag or Shift+arrows end: redrawing
  // the passage mid-drag would cut the selection short).
  function takeSelection() {
    const context = document.querySelector(".adjudication-edit .edit-context");
    const span = context && window.NewsdeskSpans.selectedSpan(context);
    if (!span) return;
    const form = context.closest("form");
    for (const name of ["start", "end", "exact"]) form.elements[name].value = span[name];
    form.querySelector(".edit-exact").textContent = span.exact;
    markSpan(context, span.start, span.end);
    document.getSelection().removeAllRanges();
  }
  document.addEventListener("pointerup", takeSelection);
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") takeSelection();
  });

  function markSpan(context, start, end) {
    for (const p of context.querySelectorAll("[data-start]")) {
      const points = [...p.textContent];
      const from = Math.min(Math.max(start - Number(p.dataset.start), 0), points.length);
      const to = Math.max(Math.min(end - Number(p.dataset.start), points.length), from);
      const mark = document.createElement("mark");
      mark.textContent = points.slice(from, to).join("");
      p.replaceChildren(points.slice(0, from).join(""), mark, points.slice(to).join(""));
    }
  }
  // Every handler is bound: tests wait for this before pressing keys.
  list?.setAttribute("data-ready", "");
})();
