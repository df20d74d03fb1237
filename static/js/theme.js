// Light or dark: the system setting unless the reader pinned one with the toggle. Loaded
// in <head> without `defer` so the pinned scheme is on <html> before the first paint.
"use strict";

(() => {
  const root = document.documentElement;
  const stored = localStorage.getItem("newsdesk-theme");
  if (stored === "light" || stored === "dark") root.dataset.theme = stored;

  const systemDark = () => window.matchMedia("(prefers-color-scheme: dark)").matches;
  const isDark = () => (root.dataset.theme ? root.dataset.theme === "dark" : systemDark());

  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.getElementById("theme-toggle");
    if (!toggle) return;
    const show = () => toggle.setAttribute("aria-pressed", String(isDark()));
    show();
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
    toggle.addEventListener("click", () => {
      const next = isDark() ? "light" : "dark";
      // Back to following the system when the choice matches it.
      if ((next === "dark") === systemDark()) {
        delete root.dataset.theme;
        localStorage.removeItem("newsdesk-theme");
      } else {
        root.dataset.theme = next;
        localStorage.setItem("newsdesk-theme", next);
      }
      show();
    });
  });
})();
