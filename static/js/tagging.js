// Tagging on the reading page: selection -> offsets -> toolbar, inline editing, keyboard.
// No inline scripts and no eval (the CSP forbids both); htmx does the requests and swaps.
"use strict";

(() => {
  const { selectedSpan: spanIn, pointAt: pointIn } = window.NewsdeskSpans; // spans.js
  let pending = null; // the span the toolbar would tag: {start, end, exact}
  const selectedSpan = () => spanIn(document.getElementById("article-body"));

  // --- The toolbar ---------------------------------------------------------------------
  const toolbar = () => document.getElementById("tag-toolbar");

  function showToolbar(span) {
    const bar = toolbar();
    const range = document.getSelection().getRangeAt(0);
    const rects = range.getClientRects();
    const rect = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    pending = span;
    // The selection the toolbar acts on, for tests that must not press a key before it
    // has caught up with the mouse.
    bar.dataset.selection = document.getSelection().toString();
    bar.hidden = false;
    const width = bar.offsetWidth;
    const left = Math.min(
      Math.max(8, rect.left + rect.width / 2 - width / 2),
      document.documentElement.clientWidth - width - 8,
    );
    bar.style.top = `${rect.bottom + window.scrollY + 8}px`;
    bar.style.left = `${left + window.scrollX}px`;
  }

  function hideToolbar() {
    const bar = toolbar();
    if (bar) bar.hidden = true;
    pending = null;
  }

  function tagAs(kind) {
    const bar = toolbar();
    if (!pending || !bar) return;
    for (const name of ["start", "end", "exact"]) bar.elements[name].value = pending[name];
    bar.elements.kind.value = kind;
    bar.requestSubmit();
  }

  let selectionTimer = 0;
  document.addEventListener("selectionchange", () => {
    if (!toolbar()) return;
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(() => {
      const span = selectedSpan();
      if (span) showToolbar(span);
      else hideToolbar();
    }, 120);
  });

  // Keep the selection when a toolbar (or re-place) button is pressed.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest("#tag-toolbar, form.replace-orphan")) event.preventDefault();
  });

  // The orphans queue: "re-place" puts the tag on the passage selected in the text.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.replace-orphan");
    if (!form) return;
    const span = selectedSpan();
    if (!span) {
      event.preventDefault();
      const status = document.getElementById("orphan-status");
      if (status) status.textContent = form.dataset.msgSelect;
      return;
    }
    for (const name of ["start", "end", "exact"]) form.elements[name].value = span[name];
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#tag-toolbar button[data-kind]");
    if (button) tagAs(button.dataset.kind);
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id === "tag-toolbar" && event.detail.successful) {
      document.getSelection().removeAllRanges();
      hideToolbar();
    }
  });

  // --- Keyboard --------------------------------------------------------------------------
  // Physical keys (KeyboardEvent.code), so 1/2/3 work on an Arabic layout (which types
  // ١/٢/٣ or other characters on those keys) and on the numeric keypad.
  const digitOf = (code) => (/^(Digit|Numpad)([0-9])$/.exec(code) || [])[2];
  const typing = (el) => el.closest("input, textarea, select, [contenteditable]");

  document.addEventListener("keydown", (event) => {
    const bar = toolbar();
    const target = event.target instanceof Element ? event.target : document.body;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (bar && !bar.hidden && !typing(target)) {
      const digit = digitOf(event.code);
      const button = digit && bar.querySelector(`button[data-key="${digit}"]`);
      if (button) {
        event.preventDefault();
        tagAs(button.dataset.kind);
        return;
      }
      if (event.key === "Escape") {
        hideToolbar();
        return;
      }
    }
    // "?" (Shift+/ on most layouts; the key itself on an Arabic one): the guidelines.
    const help = document.getElementById("guidelines-link");
    if (help && !typing(target) && (event.key === "?" || event.key === "؟")) {
      event.preventDefault();
      help.click();
      return;
    }
    const form = target.closest("form.tag-edit");
    if (form && event.key === "Escape") {
      event.preventDefault();
      cancelEdit();
    } else if (form && event.key === "Enter" && target.matches("textarea") && !event.shiftKey) {
      event.preventDefault(); // Enter saves; Shift+Enter is a new line in the note.
      form.requestSubmit(form.querySelector("button.save"));
    } else if (target.matches(".tag-item[tabindex]")) {
      navigate(event);
    }
  });

  // Arrow keys move between tags in reading order: in right-to-left text the next tag
  // is to the left, so ArrowLeft goes forward there (ArrowDown always does).
  function navigate(event) {
    const item = event.target;
    if (event.key === "Enter") {
      event.preventDefault();
      item.querySelector("a.edit")?.click();
      return;
    }
    const rtl = getComputedStyle(item).direction === "rtl";
    const forward = { ArrowDown: 1, ArrowUp: -1, ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1 };
    const step = forward[event.key];
    if (!step) return;
    event.preventDefault();
    const items = [...document.querySelectorAll(".tag-item[tabindex]")];
    const next = items[items.indexOf(item) + step];
    if (!next) return;
    next.focus();
    // Bring its highlight into view too (keyboard only; see the focusin note).
    document
      .querySelector(`mark.hl[data-tags~="${next.dataset.tag}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }

  // Focusing a tag in the list (not a link inside it) marks its highlight in the text.
  // No scrolling here: a scroll between mousedown and mouseup would swallow the click.
  document.addEventListener("focusin", (event) => {
    if (event.target.matches?.(".tag-item[tabindex]")) markCurrent(event.target.dataset.tag);
  });

  function markCurrent(id) {
    document.querySelectorAll(".is-current").forEach((el) => el.classList.remove("is-current"));
    document.getElementById(`tag-${id}`)?.classList.add("is-current");
    document
      .querySelectorAll(`mark.hl[data-tags~="${id}"]`)
      .forEach((el) => el.classList.add("is-current"));
  }

  function cancelEdit() {
    const panel = document.getElementById("tag-panel");
    htmx.ajax("GET", panel.dataset.panelUrl, { source: panel, swap: "none" });
  }

  // --- Opening the inline form -----------------------------------------------------------
  // Clicking a highlight edits the innermost tag under it (the shortest one), clicking an
  // entry of the side list edits that tag.
  document.addEventListener("click", (event) => {
    if (!document.querySelector(".reader.can-edit")) return;
    const mark = event.target.closest("#article-body mark.hl");
    if (mark) {
      if (!document.getSelection().isCollapsed) return; // the end of a drag, not a click
      const ids = mark.dataset.tags.split(" ");
      const length = (id) => {
        const item = document.getElementById(`tag-${id}`);
        return item ? Number(item.dataset.end) - Number(item.dataset.start) : Infinity;
      };
      ids.sort((a, b) => length(a) - length(b));
      openEditor(ids[0]);
      return;
    }
    const item = event.target.closest(".tag-item:not(.editing)");
    if (item && !event.target.closest("a, button, form")) openEditor(item.dataset.tag);
  });

  // No scrolling here: the form scrolls itself into view once loaded (htmx:load below),
  // and on a phone, where the list is far below the article, it opens as a bottom sheet.
  function openEditor(id) {
    const item = document.getElementById(`tag-${id}`);
    if (!item) return;
    if (item.classList.contains("editing")) item.querySelector("input, textarea")?.focus();
    else item.querySelector("a.edit")?.click();
  }

  // --- Live updates: a colleague's change redraws the body and the panel ---------------
  // The page polls for others' changes (articles/reading/live.py); the answer marks its
  // parts `data-live`. The reader's selection is kept as offsets and put back after the
  // body is redrawn, and an open inline form (and an open history or claim panel) is kept
  // as it is, typing and focus included (htmx's hx-preserve moves the live node over).
  const pointAt = (offset) => pointIn(document.getElementById("article-body"), offset);

  let keptSelection = null;
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const fragment = event.detail.fragment;
    if (!fragment.querySelector?.("[data-live]")) return;
    if (event.detail.target.id === "article-body") keptSelection = selectedSpan();
    if (event.detail.target.id === "tag-panel") {
      const kept = [...document.querySelectorAll("#tag-panel .tag-item.editing")].map((el) => el.id);
      kept.push("tag-history", "claim-panel");
      for (const id of kept) fragment.querySelector(`#${CSS.escape(id)}`)?.setAttribute("hx-preserve", "");
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (!keptSelection || event.target.id !== "article-body") return;
    const start = pointAt(keptSelection.start);
    const end = pointAt(keptSelection.end);
    keptSelection = null;
    if (!start || !end) return;
    const range = document.createRange();
    range.setStart(...start);
    range.setEnd(...end);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
  });

  // --- Keeping up with other tabs ------------------------------------------------------
  // A write answers with only what changed, placed next to entries this page lists. Each
  // write says which tags the page lists, so the server can tell when another tab or
  // editor has changed them meanwhile and send the whole panel instead.
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "post" || !document.getElementById("tag-panel")) return;
    const listed = [...document.querySelectorAll("#tag-list > .tag-item")];
    event.detail.parameters.listed = listed.map((item) => item.dataset.tag).join(" ");
  });

  // --- After htmx swaps ------------------------------------------------------------------
  document.body.addEventListener("htmx:load", (event) => {
    const root = event.detail.elt;
    const editing = root.matches?.(".tag-item.editing") ? root : root.querySelector?.(".tag-item.editing");
    // A form kept open through a colleague's live update already has the focus.
    if (editing && !editing.contains(document.activeElement)) {
      const checked = editing.querySelector("input[type=radio]:checked");
      (checked || editing.querySelector("textarea"))?.focus({ preventScroll: true });
      // The whole form, Save and Delete included, not just its first field.
      editing.scrollIntoView({ block: "nearest" });
    }
    // History and similar passages load at the top of the side panel, which scrolls on
    // its own: bring them to where the editor is looking.
    if (root.matches?.("#tag-history, #claim-panel") && root.childElementCount) {
      root.scrollIntoView({ block: "start" });
    }
    const notice = root.querySelector?.(".notice[data-focus]");
    if (notice) {
      const item = document.getElementById(`tag-${notice.dataset.focus}`);
      item?.scrollIntoView({ block: "nearest" });
      markCurrent(notice.dataset.focus);
    }
    // Undo is offered for a few seconds after a delete.
    const undo = root.querySelector?.("form.undo");
    if (undo) setTimeout(() => undo.remove(), 8000);
  });

  // Closing the history box.
  document.addEventListener("click", (event) => {
    const close = event.target.closest("[data-close-history]");
    if (close && close.closest(".tag-panel")) {
      event.preventDefault();
      close.closest("#tag-history").replaceChildren();
    }
  });

  // 403 (expired session/CSRF, or no permission) and network errors are not swapped by
  // htmx: say so where the editor is looking.
  function say(message) {
    const status = document.getElementById("tag-status");
    if (!status) return;
    const p = document.createElement("p");
    p.className = "notice notice-error";
    p.textContent = message;
    status.replaceChildren(p);
    status.scrollIntoView({ block: "nearest" });
  }
  document.body.addEventListener("htmx:responseError", (event) => {
    const reader = document.querySelector(".reader");
    if (!reader) return;
    const status = event.detail.xhr.status;
    say(status === 403 ? reader.dataset.msgForbidden : `${reader.dataset.msgFailed} (${status})`);
  });
  document.body.addEventListener("htmx:sendError", () => {
    const reader = document.querySelector(".reader");
    if (reader) say(reader.dataset.msgOffline);
  });

  // Every handler is bound: from here the toolbar works. Tests and bench/browser.py wait
  // for this attribute; the mark gives the time it happened.
  document.querySelector(".reader")?.setAttribute("data-ready", "");
  performance.mark("tagging-ready");
})();
