// The silkrail web map: network, planner form, routes, comparison table and chart.
// Everything it loads comes from the same server (no tiles, no CDN), so it works offline.
import L from "leaflet";
import { feature } from "topojson-client";
import { drawChart } from "./chart.js";

const API = "/api/v1";

// Network styles by mode and gauge; planned lines are drawn faint and dashed.
const GAUGE_STYLE = {
  1435: { color: "#2b5876", weight: 2.2, label: "rail 1435 mm (standard)" },
  1520: { color: "#a0522d", weight: 2.2, label: "rail 1520 mm (broad, CIS)" },
  1668: { color: "#7b3294", weight: 2.2, label: "rail 1668 mm (Iberian)" },
};
const MODE_STYLE = {
  ferry: { color: "#1c7fb8", weight: 2, dashArray: "7 5", label: "ferry" },
  sea: { color: "#5b9bc8", weight: 1.6, dashArray: "2 6", label: "sea" },
  road: { color: "#d9822b", weight: 1.8, dashArray: "1 4", label: "road" },
};
const KIND_STYLE = {
  terminal: { color: "#1d2b36", radius: 4 },
  border: { color: "#c0392b", radius: 3.5 },
  yard: { color: "#e08e0b", radius: 3.5 },
  port: { color: "#1c7fb8", radius: 4 },
  junction: { color: "#7f8c8d", radius: 2.5 },
};
// Distinct, saturated route colours that stand apart from the muted network.
const ROUTE_COLOURS = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
  "#00a5a8", "#f032e6", "#9a6324", "#808000", "#000075",
];

export function routeColour(i) {
  if (i < ROUTE_COLOURS.length) return ROUTE_COLOURS[i];
  return `hsl(${(i * 137.5) % 360}, 70%, 45%)`;
}

const $ = (sel) => document.querySelector(sel);
const state = {
  nodes: new Map(), // id -> {lat, lon, name, country, kind}
  countries: [], // [{code, numeric, name, nodes}]
  avoid: new Set(),
  routeLayers: [],
  plan: null,
  linkGeo: new Map(), // link id -> GeoJSON geometry
  flowLayer: null,
};

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" });
  } catch {
    return null;
  }
})();

function countryName(code, fallback) {
  try {
    return (regionNames && regionNames.of(code)) || fallback || code;
  } catch {
    return fallback || code;
  }
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

function fmt(x, digits = 0) {
  return Number(x).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

async function getJSON(url, options) {
  const resp = await fetch(url, options);
  let body = null;
  try {
    body = await resp.json();
  } catch {
    body = null;
  }
  if (!resp.ok) {
    const err = new Error((body && body.error) || `${resp.status} ${resp.statusText}`);
    err.body = body || {};
    err.status = resp.status;
    throw err;
  }
  return body;
}

// ---------------------------------------------------------------- map

const map = L.map("map", {
  zoomSnap: 0.25,
  worldCopyJump: false,
  minZoom: 2,
  maxZoom: 10,
  attributionControl: true,
  preferCanvas: false,
}).setView([45, 60], 3);
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution("Natural Earth · silkrail corridor dataset");

map.createPane("basemap").style.zIndex = 200;
map.createPane("network").style.zIndex = 400;
map.createPane("routes").style.zIndex = 450;
map.createPane("nodes").style.zIndex = 500;
const basemapRenderer = L.canvas({ pane: "basemap", padding: 0.5 });

let basemapLayer = null;
const numericToAlpha2 = new Map();

function basemapStyle(f) {
  const alpha2 = numericToAlpha2.get(f.id);
  const avoided = alpha2 && state.avoid.has(alpha2);
  return {
    renderer: basemapRenderer,
    pane: "basemap",
    color: "#c8c2b2",
    weight: 0.6,
    fillColor: avoided ? "#f3c4bd" : "#f4f1e8",
    fillOpacity: 1,
    interactive: false,
  };
}

async function loadBasemap() {
  const topo = await getJSON("/basemap/countries-50m.json");
  const countries = feature(topo, topo.objects.countries);
  basemapLayer = L.geoJSON(countries, { style: basemapStyle, interactive: false }).addTo(map);
}

function refreshBasemap() {
  if (basemapLayer) basemapLayer.setStyle(basemapStyle);
}

function linkStyle(p) {
  const base = p.mode === "rail" ? GAUGE_STYLE[p.gauge_mm] || GAUGE_STYLE[1435] : MODE_STYLE[p.mode];
  const style = { ...(base || MODE_STYLE.road), pane: "network", opacity: 0.85, lineCap: "round" };
  if (p.status && p.status !== "open") {
    style.opacity = 0.45;
    style.dashArray = "4 6";
  }
  return style;
}

function nodePopup(p) {
  const gauge = p.gauge_change_hours != null ? `<br>gauge change ${fmt(p.gauge_change_hours, 1)} h` : "";
  const div = L.DomUtil.create("div", "node-popup");
  div.innerHTML = `<strong>${esc(p.name)}</strong> <span class="muted">${esc(p.id)}</span><br>
    ${esc(countryName(p.country))} · ${esc(p.kind)}${p.status && p.status !== "open" ? ` · ${esc(p.status)}` : ""}${gauge}
    <div class="popup-actions"><button type="button" data-set="origin">From here</button>
    <button type="button" data-set="destination">To here</button></div>`;
  div.querySelectorAll("button").forEach((b) =>
    b.addEventListener("click", () => {
      setPlace(b.dataset.set, p.id, p.name);
      map.closePopup();
    }),
  );
  return div;
}

function drawNetwork(gj) {
  const links = gj.features.filter((f) => f.properties.layer === "link");
  const nodes = gj.features.filter((f) => f.properties.layer === "node");
  for (const f of nodes) {
    const [lon, lat] = f.geometry.coordinates;
    state.nodes.set(f.properties.id, { lat, lon, ...f.properties });
  }
  L.geoJSON({ type: "FeatureCollection", features: links }, {
    style: (f) => linkStyle(f.properties),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      state.linkGeo.set(p.id, f.geometry);
      const from = state.nodes.get(p.from_id)?.name ?? p.from_id;
      const to = state.nodes.get(p.to_id)?.name ?? p.to_id;
      const gauge = p.mode === "rail" ? ` ${p.gauge_mm} mm` : "";
      layer.bindTooltip(`${esc(from)} – ${esc(to)}<br>${esc(p.mode)}${gauge} · ${fmt(p.distance_km)} km${p.status !== "open" ? ` · ${esc(p.status)}` : ""}`, { sticky: true });
    },
  }).addTo(map);
  const nodeLayer = L.layerGroup().addTo(map);
  for (const f of nodes) {
    const p = f.properties;
    const s = KIND_STYLE[p.kind] || KIND_STYLE.junction;
    const [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], {
      pane: "nodes",
      radius: s.radius,
      color: "#ffffff",
      weight: 1,
      fillColor: s.color,
      fillOpacity: p.status && p.status !== "open" ? 0.5 : 1,
      className: `sr-node sr-node-${p.kind}`,
    })
      .bindTooltip(`${esc(p.name)} (${esc(p.country)})`, { direction: "top", offset: [0, -4] })
      .bindPopup(() => nodePopup(p))
      .addTo(nodeLayer);
  }
  if (nodes.length) {
    const bounds = L.latLngBounds(nodes.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
    map.fitBounds(bounds, { padding: [20, 20] });
  }
  const nLinks = links.length;
  const present = new Set();
  for (const f of links) {
    const p = f.properties;
    present.add(p.mode === "rail" ? `rail ${p.gauge_mm}` : p.mode);
    if (p.status && p.status !== "open") present.add("planned");
  }
  addLegend(present);
  $("#net-info").textContent = `Network: ${nodes.length} nodes, ${nLinks} links.`;
}

function addLegend(present) {
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    const line = (s) => `<svg width="34" height="10" aria-hidden="true"><line x1="2" y1="5" x2="32" y2="5"
      stroke="${s.color}" stroke-width="${s.weight + 0.6}" stroke-dasharray="${s.dashArray || ""}" stroke-linecap="round"/></svg>`;
    const dot = (k, s) => `<span class="dot" style="background:${s.color}"></span>${k}`;
    const rows = [
      ...Object.entries(GAUGE_STYLE).filter(([g]) => present.has(`rail ${g}`)).map(([, s]) => `<div>${line(s)}${s.label}</div>`),
      ...Object.entries(MODE_STYLE).filter(([m]) => present.has(m)).map(([, s]) => `<div>${line(s)}${s.label}</div>`),
      present.has("planned") ? `<div>${line({ color: "#888", weight: 2, dashArray: "4 6" })}planned</div>` : "",
      `<div class="kinds">${Object.entries(KIND_STYLE).filter(([k]) => k !== "junction").map(([k, s]) => dot(k, s)).join(" ")}</div>`,
    ];
    div.innerHTML = rows.join("");
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo(map);
}

// ---------------------------------------------------------------- routes

function routeLatLngs(route) {
  const pts = [];
  for (const leg of route.legs) {
    if (leg.kind !== "travel") continue;
    const a = state.nodes.get(leg.from);
    const b = state.nodes.get(leg.to);
    if (!a || !b) continue;
    if (!pts.length) pts.push([a.lat, a.lon]);
    pts.push([b.lat, b.lon]);
  }
  if (!pts.length) {
    for (const id of route.nodes) {
      const n = state.nodes.get(id);
      if (n) pts.push([n.lat, n.lon]);
    }
  }
  return pts;
}

function clearRoutes() {
  for (const layer of state.routeLayers) map.removeLayer(layer);
  state.routeLayers = [];
}

function highlight(i, on) {
  state.routeLayers.forEach((group, j) => {
    const line = group.getLayers()[1];
    if (on && j !== i) line.setStyle({ opacity: 0.2 });
    else line.setStyle({ opacity: 0.9, weight: on && j === i ? 7 : 4.5 });
    if (on && j === i) group.eachLayer((l) => l.bringToFront());
  });
  document.querySelectorAll("#routes-table tbody tr").forEach((tr) => {
    tr.classList.toggle("hl", on && Number(tr.dataset.route) === i);
  });
  document.querySelectorAll("#chart .bubble").forEach((g) => {
    g.classList.toggle("dim", on && Number(g.dataset.route) !== i);
  });
}

function drawRoutes(plan) {
  clearRoutes();
  const all = [];
  // Draw the best route last so that it lies on top where routes share track.
  const order = plan.routes.map((_, i) => i).reverse();
  const groups = new Array(plan.routes.length);
  for (const i of order) {
    const route = plan.routes[i];
    const pts = routeLatLngs(route);
    all.push(...pts);
    const casing = L.polyline(pts, { pane: "routes", color: "#ffffff", weight: 8, opacity: 0.85, interactive: false });
    const line = L.polyline(pts, {
      pane: "routes",
      color: routeColour(i),
      weight: 4.5,
      opacity: 0.9,
      lineJoin: "round",
      className: `sr-route sr-route-${i}`,
    }).bindTooltip(`${i + 1}. ${esc(route.label)}<br>${fmt(route.transit_days_p50, 1)} days · ${fmt(route.cost_usd_per_feu)} USD · ${fmt(route.co2e_kg_per_feu_wtw)} kg CO2e`, { sticky: true });
    line.on("mouseover", () => highlight(i, true));
    line.on("mouseout", () => highlight(i, false));
    groups[i] = L.featureGroup([casing, line]).addTo(map);
  }
  state.routeLayers = groups;
  if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [30, 30], maxZoom: 6 });
  $("#map").dataset.routes = String(plan.routes.length);
}

function fillTable(plan) {
  const tbody = $("#routes-table tbody");
  tbody.innerHTML = "";
  plan.routes.forEach((r, i) => {
    const tr = document.createElement("tr");
    tr.dataset.route = String(i);
    const label = r.pareto_optimal ? esc(r.label) : `${esc(r.label)} <span class="muted">(dominated)</span>`;
    tr.innerHTML = `
      <td><span class="swatch" style="background:${routeColour(i)}"></span></td>
      <td>${i + 1}</td>
      <td class="l label">${label}<small class="countries">${r.countries.map(esc).join(" › ")}</small></td>
      <td>${fmt(r.transit_days_p50, 1)}<small>p5–p95 ${fmt(r.transit_days_p5, 1)}–${fmt(r.transit_days_p95, 1)}</small></td>
      <td>${fmt(r.cost_usd_per_feu)}</td>
      <td>${fmt(r.co2e_kg_per_feu_wtw)}</td>
      <td>${fmt(r.distance_km)}</td>
      <td>${r.borders}</td>
      <td>${r.transshipments}</td>`;
    tr.addEventListener("mouseenter", () => highlight(i, true));
    tr.addEventListener("mouseleave", () => highlight(i, false));
    tr.addEventListener("click", () => {
      select(i);
      const pts = routeLatLngs(r);
      if (pts.length) map.fitBounds(L.latLngBounds(pts), { padding: [30, 30], maxZoom: 7 });
    });
    tbody.appendChild(tr);
  });
  const vot = fmt(plan.value_of_time_usd_per_feu_hour, 2);
  $("#plan-note").textContent =
    `Ranked by cost + ${vot} USD per FEU-hour × expected hours. CO2e well-to-wheel for ` +
    `${fmt(plan.cargo_tonnes, 1)} t cargo per container. p5–p95: 5th to 95th percentile of ` +
    `transit time (Monte Carlo over ferry sailings, storms, queues, dwell and running time). ` +
    `${plan.constraints.service} service departing ${plan.constraints.depart}` +
    (plan.constraints.conditions.length ? `; conditions: ${plan.constraints.conditions.join(", ")}.` : ".");
}

function legText(leg) {
  const where = leg.from === leg.to ? esc(leg.from_name) : `${esc(leg.from_name)} → ${esc(leg.to_name)}`;
  if (leg.kind !== "travel") {
    return { icon: leg.kind === "gauge change" ? "⇄" : "⇅", what: `${esc(leg.kind)} at ${where}`, how: "" };
  }
  const how = leg.mode === "rail" && leg.gauge_mm ? `rail ${leg.gauge_mm} mm` : leg.mode;
  return { icon: "", what: where, how: `${esc(how)} · ${fmt(leg.distance_km)} km` };
}

function select(i) {
  const plan = state.plan;
  if (!plan || !plan.routes[i]) return;
  const r = plan.routes[i];
  document.querySelectorAll("#routes-table tbody tr").forEach((tr) => {
    tr.classList.toggle("selected", Number(tr.dataset.route) === i);
  });
  const rows = r.legs.map((leg) => {
    const t = legText(leg);
    const extra = [];
    if (leg.wait_hours > 0) extra.push(`wait ${fmt(leg.wait_hours, 1)} h`);
    if (leg.border_hours > 0) extra.push(`border ${fmt(leg.border_hours, 1)} h`);
    return `<li class="leg leg-${leg.kind.replace(" ", "-")}">
      <span class="leg-icon" style="${leg.kind === "travel" ? `background:${routeColour(i)}` : ""}">${t.icon}</span>
      <span class="leg-what">${t.what}<small>${t.how}${extra.length ? ` · ${extra.join(", ")}` : ""}</small></span>
      <span class="leg-num">${fmt(leg.hours, 1)} h<small>${fmt(leg.cost_usd_per_feu)} $</small></span></li>`;
  });
  $("#details").innerHTML = `<h2><span class="swatch" style="background:${routeColour(i)}"></span>
    ${i + 1}. ${esc(r.label)}</h2>
    <p class="muted">${fmt(r.transit_days_p50, 1)} days (p95 ${fmt(r.transit_days_p95, 1)}) ·
    ${fmt(r.cost_usd_per_feu)} USD · ${fmt(r.co2e_kg_per_feu_wtw)} kg CO2e per FEU</p>
    <ol class="legs">${rows.join("")}</ol>`;
  $("#details").hidden = false;
}

// ---------------------------------------------------------------- form

function setStatus(html, kind = "") {
  const el = $("#status");
  el.className = kind;
  el.innerHTML = html;
}

function setPlace(field, id, name) {
  const input = document.getElementById(field);
  input.value = name;
  input.dataset.id = id;
}

function placeValue(field) {
  const input = document.getElementById(field);
  return (input.dataset.id || input.value).trim();
}

function autocomplete(input) {
  const list = document.getElementById(`${input.id}-list`);
  let items = [];
  let active = -1;
  let timer = null;
  let seq = 0;

  const close = () => {
    // Drop any answer still on its way, so that a closed list does not reopen by itself.
    clearTimeout(timer);
    seq += 1;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const render = () => {
    list.innerHTML = items
      .map((loc, i) => `<li role="option" id="${input.id}-opt-${i}" data-i="${i}" class="${i === active ? "active" : ""}"
        aria-selected="${i === active}"><span class="ac-name">${esc(loc.name)}</span>
        <span class="ac-meta">${esc(loc.country)} · ${esc(loc.kind)} · ${esc(loc.id)}</span></li>`)
      .join("");
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const choose = (i) => {
    const loc = items[i];
    if (!loc) return;
    setPlace(input.id, loc.id, loc.name);
    close();
  };
  input.addEventListener("input", () => {
    delete input.dataset.id;
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      items = [];
      close();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const res = await getJSON(`${API}/locations?q=${encodeURIComponent(q)}&limit=8`);
        if (mine !== seq || document.activeElement !== input) return;
        items = res.locations;
        active = items.length ? 0 : -1;
        render();
      } catch {
        items = [];
        close();
      }
    }, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = items.length;
      active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      render();
    } else if (e.key === "Enter" || e.key === "Tab") {
      if (active >= 0) {
        if (e.key === "Enter") e.preventDefault();
        choose(active);
      }
    } else if (e.key === "Escape") {
      close();
    }
  });
  list.addEventListener("mousedown", (e) => {
    const li = e.target.closest("li");
    if (li) {
      e.preventDefault();
      choose(Number(li.dataset.i));
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

function renderCountries() {
  const box = $("#countries");
  box.innerHTML = "";
  for (const c of state.countries) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chip";
    b.dataset.code = c.code;
    b.title = `${countryName(c.code, c.name)} (${c.nodes} node${c.nodes === 1 ? "" : "s"})`;
    b.setAttribute("aria-pressed", "false");
    b.textContent = c.code;
    b.addEventListener("click", () => {
      const on = !state.avoid.has(c.code);
      if (on) state.avoid.add(c.code);
      else state.avoid.delete(c.code);
      b.setAttribute("aria-pressed", String(on));
      refreshBasemap();
    });
    box.appendChild(b);
  }
}

function request() {
  const modes = [...document.querySelectorAll("input[name=mode]:checked")].map((i) => i.value);
  const body = {
    origin: placeValue("origin"),
    destination: placeValue("destination"),
    avoid_countries: [...state.avoid].sort(),
    modes,
    container: $("#container").value,
    include_planned: $("#include-planned").checked,
    service: $("#service").value,
  };
  const depart = $("#depart").value;
  if (depart !== "") body.depart = depart;
  if ($("#through-red-sea").checked) body.through_disruptions = ["red-sea"];
  const mt = $("#max-transshipments").value;
  if (mt !== "") body.max_transshipments = Number(mt);
  const mr = $("#max-routes").value;
  if (mr !== "") body.max_routes = Number(mr);
  return body;
}

function showError(err) {
  const b = err.body || {};
  let html = `<strong>${esc(err.message)}</strong>`;
  if (b.suggestions && b.suggestions.length && b.field) {
    html += `<div class="suggest">Did you mean ${b.suggestions
      .map((s) => `<button type="button" class="link" data-field="${esc(b.field)}" data-name="${esc(s)}">${esc(s)}</button>`)
      .join(" or ")}?</div>`;
  }
  setStatus(html, "error");
  document.querySelectorAll("#status .suggest button").forEach((btn) =>
    btn.addEventListener("click", () => {
      const field = btn.dataset.field;
      if (field === "origin" || field === "destination") {
        const input = document.getElementById(field);
        input.value = btn.dataset.name;
        delete input.dataset.id;
        $("#plan-form").requestSubmit();
      }
    }),
  );
}

async function submitPlan(e) {
  e.preventDefault();
  const body = request();
  if (!body.origin || !body.destination) {
    setStatus("Enter an origin and a destination.", "error");
    return;
  }
  const btn = $("#plan-btn");
  btn.disabled = true;
  setStatus('<span class="spinner"></span> Planning…', "busy");
  try {
    const plan = await getJSON(`${API}/plan`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    state.plan = plan;
    fillTable(plan);
    $("#results").hidden = false;
    drawChart($("#chart"), plan, { colour: routeColour, onHover: highlight });
    // The results panel takes room from the map: resize before fitting the routes.
    map.invalidateSize();
    drawRoutes(plan);
    select(0);
    const n = plan.routes.length;
    setStatus(
      `${n} route${n === 1 ? "" : "s"} from <strong>${esc(plan.origin.name)}</strong> to ` +
        `<strong>${esc(plan.destination.name)}</strong>`,
      "ok",
    );
  } catch (err) {
    showError(err);
    state.plan = null;
    clearRoutes();
    $("#results").hidden = true;
    $("#details").hidden = true;
    map.invalidateSize();
  } finally {
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- simulation

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function setSimStatus(html, kind = "") {
  const el = $("#sim-status");
  el.className = kind;
  el.innerHTML = html;
}

const nodeName = (id) => (state.nodes.get(id) || {}).name || id;

// Station names: "<node id>:<border|gauge|port>" at nodes, "<mode>:<link id>:<from>><to>" on
// sections and ferries (one per direction). Shown with the nodes' names.
function stationLabel(name) {
  const parts = String(name).split(":");
  if (parts.length >= 3 && parts[parts.length - 1].includes(">")) {
    const [from, to] = parts[parts.length - 1].split(">");
    return `${nodeName(from)} → ${nodeName(to)}`;
  }
  return nodeName(parts[0]);
}

function fillBottlenecks(result) {
  const tbody = $("#sim-table tbody");
  tbody.innerHTML = "";
  for (const b of result.bottlenecks) {
    const tr = document.createElement("tr");
    const util = b.utilization === null ? "–" : `${fmt(100 * b.utilization)} %`;
    const ci = b.wait_train_hours_per_day_ci === null ? "" : ` <small>± ${fmt(b.wait_train_hours_per_day_ci, 1)}</small>`;
    tr.innerHTML = `<td class="station" title="${esc(b.station)}">${esc(stationLabel(b.station))}<small>${esc(b.category)}</small></td>
      <td>${fmt(b.wait_train_hours_per_day ?? 0, 1)}${ci}</td><td>${util}</td>
      <td>${b.p95_wait_h === null ? "–" : fmt(b.p95_wait_h, 1)}</td>`;
    // Border, yard and port stations are named "<node id>:<what>": show the node on the map.
    const node = state.nodes.get(String(b.station).split(":")[0]);
    if (node) {
      tr.classList.add("on-map");
      tr.title = `${node.name}: show on the map`;
      tr.addEventListener("click", () => map.setView([node.lat, node.lon], Math.max(map.getZoom(), 6)));
    }
    tbody.appendChild(tr);
  }
  $("#sim-results").hidden = false;
}

// Rail trains a week by corridor when the job ran the corridor equilibrium's trains.
function fillFamilies(result) {
  const wrap = $("#sim-families-wrap");
  const rr = result.rerouting;
  if (!rr) {
    wrap.hidden = true;
    return;
  }
  const tbody = $("#sim-families tbody");
  tbody.innerHTML = "";
  for (const c of rr.corridors) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td class="l">${esc(c.corridor)}</td><td>${fmt(c.baseline_trains_per_week, 1)}</td>
      <td>${fmt(c.trains_per_week, 1)}</td><td>${fmt(c.held_back_trains_per_week, 1)}</td>`;
    tbody.appendChild(tr);
  }
  wrap.hidden = false;
}

// Crossings, yards and ports a user may close for a run, by name.
function fillClosable() {
  for (const id of ["#sim-close", "#flow-close"]) fillClosableInto($(id));
}

function fillClosableInto(select) {
  const nodes = [...state.nodes.values()]
    .filter((n) => ["border", "yard", "port"].includes(n.kind) && (!n.status || n.status === "open"))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const n of nodes) {
    const opt = document.createElement("option");
    opt.value = n.id;
    opt.textContent = `${n.name} (${n.kind})`;
    select.appendChild(opt);
  }
}

async function submitSimulation(e) {
  e.preventDefault();
  const days = Number($("#sim-days").value);
  const body = {
    days,
    replications: Number($("#sim-replications").value),
    top: 10,
  };
  const seed = $("#sim-seed").value;
  if (seed !== "") body.seed = Number(seed);
  const closed = $("#sim-close").value;
  if (closed) {
    body.scenario = { name: `${closed} closed`, closures: [{ target: closed, start: 0, end: days }] };
  }
  if ($("#sim-reassign").checked) body.reassign = true;
  const btn = $("#sim-btn");
  const bar = $("#sim-progress");
  btn.disabled = true;
  bar.hidden = false;
  bar.value = 0;
  $("#sim-results").hidden = true;
  $("#sim-families-wrap").hidden = true;
  $("#sim-report").hidden = true;
  setSimStatus('<span class="spinner"></span> Starting…', "busy");
  try {
    let job = await getJSON(`${API}/simulations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    while (job.status === "queued" || job.status === "running") {
      bar.value = job.progress.fraction;
      setSimStatus(
        job.status === "queued"
          ? '<span class="spinner"></span> Waiting for a free slot…'
          : `<span class="spinner"></span> ${job.progress.done} of ${job.progress.total} replications…`,
        "busy",
      );
      await sleep(500);
      job = await getJSON(`${API}/simulations/${encodeURIComponent(job.id)}`);
    }
    if (job.status !== "done") throw new Error(job.error || "the simulation failed");
    bar.value = 1;
    fillBottlenecks(job.result);
    fillFamilies(job.result);
    // The study report of the same job: the page `silkrail report` writes.
    const report = $("#sim-report");
    report.href = `${API}/simulations/${encodeURIComponent(job.id)}/report`;
    report.hidden = false;
    const r = job.result;
    const what = closed ? `${esc(nodeName(closed))} closed; ` : "";
    const co2e = r.co2e_t_wtw === null || r.co2e_t_wtw === undefined
      ? ""
      : `; ${fmt(r.co2e_t_wtw / 1000, 1)} kt CO2e well-to-wheel per replication`;
    setSimStatus(
      what +
        `${fmt(r.trains_per_replication)} trains per replication over ${fmt(r.days)} days, ` +
        `${r.replications} replication${r.replications === 1 ? "" : "s"}, seed ${esc(r.seed)}` +
        co2e,
      "ok",
    );
  } catch (err) {
    bar.hidden = true;
    setSimStatus(`<strong>${esc(err.message)}</strong>`, "error");
  } finally {
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- shipments

const trackLayers = [];

function setTrackStatus(html, kind = "") {
  const el = $("#track-status");
  el.className = kind;
  el.innerHTML = html;
}

const utc = (iso) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "");

function drawShipment(s) {
  for (const layer of trackLayers) map.removeLayer(layer);
  trackLayers.length = 0;
  const at = s.position ? s.position.node : s.origin;
  const pts = s.route.nodes.map((id) => state.nodes.get(id)).filter(Boolean);
  const k = s.route.nodes.indexOf(at);
  const done = pts.slice(0, k + 1).map((n) => [n.lat, n.lon]);
  const ahead = pts.slice(Math.max(k, 0)).map((n) => [n.lat, n.lon]);
  if (ahead.length > 1) {
    trackLayers.push(L.polyline(ahead, { color: "#555", weight: 4, dashArray: "6 6" }).addTo(map));
  }
  if (done.length > 1) trackLayers.push(L.polyline(done, { color: "#0b7", weight: 5 }).addTo(map));
  const here = state.nodes.get(at);
  if (here) {
    const icon = L.divIcon({ className: "shipment-marker", iconSize: [18, 18] });
    const marker = L.marker([here.lat, here.lon], { icon, title: `${s.container} at ${here.name}` });
    trackLayers.push(marker.addTo(map));
  }
  const all = pts.map((n) => [n.lat, n.lon]);
  if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [30, 30] });
}

function fillShipment(s) {
  const f = s.forecast;
  const at = s.position ? s.position.node : s.origin;
  const pos = $("#track-position");
  pos.dataset.node = at;
  const share = s.position ? Math.round(s.position.share_done * 100) : 0;
  pos.innerHTML = `<strong>${esc(s.container)}</strong>: ${esc(nodeName(s.origin))} → ` +
    `${esc(nodeName(s.destination))}. At <strong>${esc(nodeName(at))}</strong>, ${share} % of the journey done.` +
    (s.late ? ` <span class="late">Late: ${esc(s.late_reasons.join("; "))}</span>` : "");
  const band = $("#track-band");
  if (f) {
    $("#track-forecast").innerHTML = f.arrived
      ? `Arrived ${esc(utc(f.p50))}.`
      : `Arrival p50 <strong>${esc(utc(f.p50))}</strong> (p5 ${esc(utc(f.p5))} – p95 ${esc(utc(f.p95))}).`;
    const t0 = Date.parse(s.depart);
    const t1 = Math.max(Date.parse(f.p95), t0 + 1);
    const x = (iso) => `${Math.max(0, Math.min(100, ((Date.parse(iso) - t0) / (t1 - t0)) * 100))}%`;
    $("#track-band-fill").style.left = x(f.p5);
    $("#track-band-fill").style.width = `calc(${x(f.p95)} - ${x(f.p5)})`;
    $("#track-band-p50").style.left = x(f.p50);
    band.hidden = false;
  } else {
    $("#track-forecast").textContent = "No forecast yet.";
    band.hidden = true;
  }
  const list = $("#track-events");
  list.innerHTML = "";
  for (const e of s.events) {
    const li = document.createElement("li");
    li.innerHTML = `<time>${esc(utc(e.event_time))}</time> <code>${esc(e.code)}</code> ` +
      `${esc(nodeName(e.location))}${e.classifier === "EST" ? " (estimated)" : ""}`;
    list.appendChild(li);
  }
  $("#track-result").hidden = false;
}

async function submitTrack(e) {
  e.preventDefault();
  const id = $("#track-id").value.replace(/[\s-]/g, "").toUpperCase();
  if (!id) {
    setTrackStatus("Enter a container number.", "error");
    return;
  }
  const btn = $("#track-btn");
  btn.disabled = true;
  setTrackStatus("Loading…");
  try {
    const s = await getJSON(`${API}/shipments/${encodeURIComponent(id)}`);
    fillShipment(s);
    drawShipment(s);
    setTrackStatus("");
  } catch (err) {
    $("#track-result").hidden = true;
    setTrackStatus(`<strong>${esc(err.message)}</strong>`, "error");
  } finally {
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- corridor flows

function setFlowStatus(html, kind = "") {
  const el = $("#flow-status");
  el.className = kind;
  el.innerHTML = html;
}

// Line width = TEU a year on the link (both directions; square root, so that the rail lines
// show beside the sea lanes); red: rail routes' links, blue: sea.
function drawFlows(links) {
  if (state.flowLayer) state.flowLayer.remove();
  const layer = L.layerGroup().addTo(map);
  const max = Math.max(1, ...links.map((l) => l.teu_per_year));
  for (const l of links) {
    const geom = state.linkGeo.get(l.link_id);
    if (!geom || l.teu_per_year < 1) continue;
    const rail = l.trains_per_week > 0;
    const weight = 1 + 11 * Math.sqrt(l.teu_per_year / max);
    L.geoJSON(geom, {
      pane: "routes",
      style: {
        color: rail ? "#c0392b" : "#1f6fb2",
        weight,
        opacity: 0.7,
        lineCap: "round",
        className: "sr-flow",
      },
    })
      .bindTooltip(
        `${fmt(l.teu_per_year / 1000, 1)}k TEU a year` +
          (rail ? ` · ${fmt(l.trains_per_week, 1)} trains a week` : ""),
        { sticky: true },
      )
      .addTo(layer);
  }
  state.flowLayer = layer;
}

function fillFlowShares(result) {
  const tbody = $("#flow-table tbody");
  tbody.innerHTML = "";
  const scen = new Map((result.scenario?.markets || []).map((m) => [m.market, m]));
  for (const m of result.baseline.markets) {
    const s = scen.get(m.market);
    const tr = document.createElement("tr");
    tr.innerHTML = `<td class="l">${esc(m.market)}</td><td>${fmt(m.teu_per_year / 1000)}k</td>
      <td>${fmt(100 * m.rail_share, 2)} %</td><td>${s ? `${fmt(100 * s.rail_share, 2)} %` : "–"}</td>`;
    tbody.appendChild(tr);
  }
  $("#flow-results").hidden = false;
}

async function submitFlows(e) {
  e.preventDefault();
  const body = {};
  const closed = $("#flow-close").value;
  const sea = Number($("#flow-sea").value);
  if (closed || (sea && sea !== 1)) {
    body.scenario = { name: "web" };
    if (closed) body.scenario.closures = [{ target: closed, start: 0, end: 365 }];
    if (sea && sea !== 1) body.scenario.flows = { sea_rate_factor: sea };
  }
  const btn = $("#flow-btn");
  btn.disabled = true;
  $("#flow-results").hidden = true;
  setFlowStatus('<span class="spinner"></span> Solving the equilibrium…', "busy");
  try {
    let job = await getJSON(`${API}/flows`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    while (job.status === "queued" || job.status === "running") {
      await sleep(700);
      job = await getJSON(`${API}/flows/${encodeURIComponent(job.id)}`);
    }
    if (job.status !== "done") throw new Error(job.error || "the flows job failed");
    const shown = job.result.scenario || job.result.baseline;
    drawFlows(shown.links);
    fillFlowShares(job.result);
    const warn = shown.warnings.length ? ` · ${shown.warnings.length} station(s) above capacity` : "";
    setFlowStatus(
      `${job.result.scenario ? "Scenario" : "2024 base year"}: line width = TEU a year` + warn,
      "ok",
    );
  } catch (err) {
    setFlowStatus(`<strong>${esc(err.message)}</strong>`, "error");
  } finally {
    btn.disabled = false;
  }
}

async function init() {
  autocomplete($("#origin"));
  autocomplete($("#destination"));
  $("#swap").addEventListener("click", () => {
    const a = $("#origin");
    const b = $("#destination");
    [a.value, b.value] = [b.value, a.value];
    const [ia, ib] = [a.dataset.id, b.dataset.id];
    if (ib) a.dataset.id = ib; else delete a.dataset.id;
    if (ia) b.dataset.id = ia; else delete b.dataset.id;
  });
  $("#plan-form").addEventListener("submit", submitPlan);
  $("#sim-form").addEventListener("submit", submitSimulation);
  $("#flow-form").addEventListener("submit", submitFlows);
  $("#track-form").addEventListener("submit", submitTrack);
  window.addEventListener("resize", () => map.invalidateSize());

  const basemap = loadBasemap().catch((err) => setStatus(`Basemap not loaded: ${esc(err.message)}`, "error"));
  try {
    const [gj, countries] = await Promise.all([
      getJSON(`${API}/network`),
      getJSON(`${API}/countries`),
    ]);
    for (const c of countries.countries) if (c.numeric) numericToAlpha2.set(c.numeric.padStart(3, "0"), c.code);
    state.countries = countries.countries;
    drawNetwork(gj);
    fillClosable();
    renderCountries();
  } catch (err) {
    $("#net-info").textContent = "";
    setStatus(`The network could not be loaded: ${esc(err.message)}`, "error");
  }
  await basemap;
  refreshBasemap();
  document.body.dataset.ready = "true";
}

init();
