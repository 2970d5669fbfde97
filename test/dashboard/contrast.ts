/**
 * A WCAG 2 contrast check of the visible text of a page, run in the browser (kept as a string so this
 * Node-side file needs no DOM types). Each text node's colour is compared with the background it is
 * drawn on (the first opaque background up its ancestors, translucent ones composited on top).
 * Normal text needs 4.5:1, large text (24px, or 18.66px bold) 3:1. Disabled controls, hidden text and
 * the chart's SVG (its axis colours are set in code) are left out, as WCAG does for inactive controls.
 * Returns one line per failure.
 */
export const contrastFailures = String.raw`(() => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const over = (top, base) => ({ r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a), b: top.b * top.a + base.b * (1 - top.a), a: 1 });
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let base = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) base = over(layer, base);
    return base;
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (text === '' || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('svg, .visually-hidden, [hidden], option, :disabled, dialog:not([open])')) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || el.getClientRects().length === 0) continue;
    const bg = backgroundOf(el);
    const fg = over(parse(style.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) failures.push(ratio.toFixed(2) + ':1 "' + text.slice(0, 40) + '" ' + style.color + ' on rgb(' + [bg.r, bg.g, bg.b].map(Math.round).join(', ') + ')');
  }
  return failures;
})()`;
