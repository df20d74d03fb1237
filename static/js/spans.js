// Text selections as code-point offsets into an article body, and back. Shared by the
// reading page (tagging.js) and the adjudication page's edit form (team.js).
// Each element with data-start=N inside a container holds exactly body[N : N + length] as
// its DOM text (marks only wrap text), so an offset inside it is N + the code points
// before the point. The DOM counts UTF-16 units; the server counts code points: they
// differ for emoji.
"use strict";

window.NewsdeskSpans = (() => {
  const words = new Intl.Segmenter("ar", { granularity: "word" });
  const isSpace = (ch) => /\s/u.test(ch);

  // UTF-16 units from the start of `p` to a boundary point (container, offset).
  function unitsBefore(p, container, offset) {
    const range = document.createRange();
    range.setStart(p, 0);
    range.setEnd(container, offset);
    return range.toString().length;
  }

  // Code points in the first `units` UTF-16 units of `text` (spreading a string iterates
  // by code point).
  const codePoints = (text, units) => [...text.slice(0, units)].length;

  // Never split a surrogate pair (an emoji) at either end.
  const isLow = (text, i) => i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]);

  // A start inside a word moves back to the word's start; an end inside a word moves on
  // to its end. Arabic words are found by Intl.Segmenter (harakat stay with their letter).
  function snapStart(text, i) {
    const seg = i < text.length ? words.segment(text).containing(i) : undefined;
    if (seg && seg.isWordLike && seg.index < i) return seg.index;
    return isLow(text, i) ? i - 1 : i;
  }
  function snapEnd(text, i) {
    const seg = i > 0 ? words.segment(text).containing(i - 1) : undefined;
    if (seg && seg.isWordLike && seg.index + seg.segment.length > i) {
      return seg.index + seg.segment.length;
    }
    return isLow(text, i) ? i + 1 : i;
  }

  // The current selection as {start, end, exact} in code points, or null if it does not
  // cover any text of `container`. Works for selections made backwards, across
  // paragraphs, or starting/ending inside existing highlights (we use the Range, not
  // anchor/focus).
  function selectedSpan(container) {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount || !container) return null;
    const range = selection.getRangeAt(0);
    // Paragraphs, and the headline when it is the body's first paragraph (an <h1>).
    const paragraphs = [...container.querySelectorAll("[data-start]")].filter((p) =>
      range.intersectsNode(p),
    );
    // One piece per paragraph the range touches, in UTF-16 units within that paragraph.
    let pieces = paragraphs.map((p) => {
      const text = p.textContent;
      const from = p.contains(range.startContainer)
        ? unitsBefore(p, range.startContainer, range.startOffset)
        : 0;
      const to = p.contains(range.endContainer)
        ? unitsBefore(p, range.endContainer, range.endOffset)
        : text.length;
      return { p, text, from, to };
    });
    // Trim whitespace at both ends (dropping pieces that are only whitespace), then snap.
    pieces = pieces.filter((piece) => piece.text.slice(piece.from, piece.to).trim() !== "");
    if (!pieces.length) return null;
    const first = pieces[0];
    const last = pieces[pieces.length - 1];
    while (first.from < first.to && isSpace(first.text[first.from])) first.from++;
    while (last.to > last.from && isSpace(last.text[last.to - 1])) last.to--;
    first.from = snapStart(first.text, first.from);
    last.to = snapEnd(last.text, last.to);
    const start = Number(first.p.dataset.start) + codePoints(first.text, first.from);
    const end = Number(last.p.dataset.start) + codePoints(last.text, last.to);
    // The blank lines between paragraphs are not in the DOM; the server compares
    // whitespace runs loosely, so one newline stands for the gap.
    const exact = pieces.map((piece) => piece.text.slice(piece.from, piece.to)).join("\n");
    return start < end ? { start, end, exact } : null;
  }

  // The DOM point (text node, UTF-16 offset) at a code-point offset of the body.
  function pointAt(container, offset) {
    for (const p of container.querySelectorAll("[data-start]")) {
      let left = offset - Number(p.dataset.start);
      if (left < 0) continue;
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const points = [...node.data];
        if (left <= points.length) return [node, points.slice(0, left).join("").length];
        left -= points.length;
      }
    }
    return null;
  }

  return { selectedSpan, pointAt };
})();
