// Time–cost–CO2e chart: one bubble per route at (transit days p50, cost), a whisker to the p95
// transit time, and bubble area proportional to well-to-wheel CO2e. Plain SVG, no library.

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// "Nice" tick values covering [lo, hi].
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => raw <= s) || 10 * mag;
  const start = Math.floor(lo / step) * step;
  const out = [];
  // Up to and including the first tick at or above `hi`, so every point lies inside.
  for (let v = start; v < hi + step - step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function label(v) {
  if (Math.abs(v) >= 10000) return `${(v / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })}k`;
  return v.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

export function drawChart(figure, plan, { colour, onHover }) {
  figure.innerHTML = "";
  const routes = plan.routes;
  const W = 400;
  const H = 270;
  const m = { top: 22, right: 26, bottom: 44, left: 58 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;

  const xs = routes.flatMap((r) => [r.transit_days_p50, r.transit_days_p95]);
  const ys = routes.map((r) => r.cost_usd_per_feu);
  const xt = ticks(Math.min(0, ...xs), Math.max(...xs));
  const yt = ticks(Math.min(0, ...ys), Math.max(...ys));
  const [x0, x1] = [xt[0], xt[xt.length - 1]];
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const sx = (v) => m.left + ((v - x0) / (x1 - x0 || 1)) * iw;
  const sy = (v) => m.top + ih - ((v - y0) / (y1 - y0 || 1)) * ih;
  const cmax = Math.max(...routes.map((r) => r.co2e_kg_per_feu_wtw), 1);
  const radius = (c) => 5 + 13 * Math.sqrt(Math.max(c, 0) / cmax);

  const svg = el("svg", {
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": "Transit days against cost per FEU; bubble area shows CO2e",
    class: "chart",
  });
  const grid = el("g", { class: "grid" });
  for (const v of xt) {
    grid.append(el("line", { x1: sx(v), x2: sx(v), y1: m.top, y2: m.top + ih }));
    grid.append(el("text", { x: sx(v), y: m.top + ih + 16, "text-anchor": "middle" }, label(v)));
  }
  for (const v of yt) {
    grid.append(el("line", { x1: m.left, x2: m.left + iw, y1: sy(v), y2: sy(v) }));
    grid.append(el("text", { x: m.left - 8, y: sy(v) + 4, "text-anchor": "end" }, label(v)));
  }
  svg.append(grid);
  svg.append(el("text", { x: m.left + iw / 2, y: H - 8, "text-anchor": "middle", class: "axis-title" },
    "transit days (p50, whisker to p95)"));
  svg.append(el("text", {
    x: 14, y: m.top + ih / 2, "text-anchor": "middle", class: "axis-title",
    transform: `rotate(-90 14 ${m.top + ih / 2})`,
  }, "cost USD per FEU"));

  // Largest bubbles first so that small ones stay visible on top.
  const order = routes.map((_, i) => i).sort((a, b) => routes[b].co2e_kg_per_feu_wtw - routes[a].co2e_kg_per_feu_wtw);
  for (const i of order) {
    const r = routes[i];
    const g = el("g", { class: "bubble", "data-route": i });
    const cx = sx(r.transit_days_p50);
    const cy = sy(r.cost_usd_per_feu);
    const c = colour(i);
    g.append(el("line", { x1: cx, x2: sx(r.transit_days_p95), y1: cy, y2: cy, stroke: c, "stroke-width": 2 }));
    g.append(el("line", { x1: sx(r.transit_days_p95), x2: sx(r.transit_days_p95), y1: cy - 5, y2: cy + 5, stroke: c, "stroke-width": 2 }));
    g.append(el("circle", { cx, cy, r: radius(r.co2e_kg_per_feu_wtw), fill: c, "fill-opacity": 0.55, stroke: c, "stroke-width": 1.5 }));
    g.append(el("text", { x: cx, y: cy + 4, "text-anchor": "middle", class: "bubble-label" }, String(i + 1)));
    const title = el("title", {}, `${i + 1}. ${r.label}\n${r.transit_days_p50} days (p95 ${r.transit_days_p95})\n` +
      `${r.cost_usd_per_feu.toLocaleString("en-US")} USD per FEU\n${r.co2e_kg_per_feu_wtw.toLocaleString("en-US")} kg CO2e (WTW)`);
    g.append(title);
    g.addEventListener("mouseenter", () => onHover(i, true));
    g.addEventListener("mouseleave", () => onHover(i, false));
    svg.append(g);
  }
  figure.append(svg);
  const cap = document.createElement("figcaption");
  cap.textContent = `Bubble area ∝ CO2e well-to-wheel (largest: ${Math.round(cmax).toLocaleString("en-US")} kg per FEU).`;
  figure.append(cap);
}
