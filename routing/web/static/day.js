// The workspace page, part 3 of 3: the day's events (done, late parcels, vehicle out,
// station closed, delays, cancellations) and the re-plan with what each driver must be told;
// the plan history of the store and two plans side by side.
"use strict";

/** The events and late parcels entered since the last re-plan. */
const day = { events: [], late: [], lateCount: 0, compare: [] };

/** Fills the vehicle, station and carrier choices of the events forms from plan ``doc``. */
function fillEventChoices(doc) {
  const vehicles = [...new Set(doc.routes.map((r) => r.vehicle_id))];
  const stations = new Map();
  const carriers = new Set();
  for (const r of doc.routes) {
    for (const s of r.stops) {
      stations.set(s.station_id, s.station_name);
      for (const a of [...(s.delivered || []), ...(s.picked_up || [])]) carriers.add(a.carrier);
    }
  }
  for (const u of doc.unserved || []) stations.set(u.station_id, u.station_name || u.station_id);
  const fill = (select, pairs) => {
    const was = select.value;
    select.replaceChildren(el("option", { value: "", text: "–" }),
      ...pairs.map(([v, label]) => el("option", { value: v, text: label })));
    if (pairs.some(([v]) => v === was)) select.value = was;
  };
  for (const s of document.querySelectorAll(".vehicle-choice")) fill(s, vehicles.map((v) => [v, v]));
  for (const s of document.querySelectorAll(".station-choice")) {
    fill(s, [...stations].map(([id, name]) => [id, `${name} (${id})`]));
  }
  fill(document.getElementById("carrier-choice"), [...carriers].sort().map((c) => [c, c]));
}

/** Shows the events and late parcels waiting for the re-plan, each with a remove button. */
function showPending() {
  const list = document.getElementById("event-list");
  list.replaceChildren();
  const item = (text, items, i) => {
    const remove = el("button", { type: "button", text: t("remove") });
    remove.addEventListener("click", () => { items.splice(i, 1); showPending(); });
    list.append(el("li", { testid: "pending-event", text: `${text} ` }, remove));
  };
  day.events.forEach((e, i) => {
    const parts = ["vehicle", "station", "line", "time", "minutes"].filter((k) => e[k] !== undefined)
      .map((k) => `${t(k)} ${e[k]}`);
    item(`${t(`ev_${{ breakdown: "vehicle_out", closed: "station_closed" }[e.event] || e.event}`)}:` +
         ` ${parts.join(", ")}`, day.events, i);
  });
  day.late.forEach((d, i) => {
    item(`${t("ev_late")}: ${d.id} ${d.station} ${d.carrier} ${t(d.direction)} ` +
         `${d.parcels} ${t("parcels")} / ${d.kg} kg`, day.late, i);
  });
}

/** The event of the events form, without its empty fields. */
function eventOf(form) {
  const out = {};
  for (const [k, v] of new FormData(form)) {
    if (v === "") continue;
    out[k] = k === "minutes" ? Number(v) : v;
  }
  return out;
}

/** A late demand line from the late-parcels form (in the scenario's demand format). */
function lateOf(form) {
  const f = Object.fromEntries(new FormData(form));
  day.lateCount += 1;
  const at = (document.getElementById("replan-at").value || "").replace(":", "");
  return { id: `LATE${at}-${day.lateCount}`, station: f.station, carrier: f.carrier,
           direction: f.direction, parcels: Number(f.parcels), kg: Number(f.kg) };
}

/** Re-plans the rest of the day from the plan on screen at the time given, with the events
 * and late parcels entered; opens the new plan and lists the changes per driver. */
async function replan() {
  const state = document.getElementById("replan-state");
  const at = document.getElementById("replan-at");
  if (!at.reportValidity()) return;
  state.textContent = "…";
  try {
    const hold = document.getElementById("replan-hold").checked;
    const out = await api(`/api/plans/${current.id}/replan`, { json: {
      version: current.version, at: at.value, events: day.events, late: day.late, hold } });
    current.undo = [];
    show(out.plan_id, out.version, out.plan, out.violations,
         out.plan.totals.cost - current.doc.totals.cost);
    day.events = [];
    day.late = [];
    showPending();
    const zh = page.data.lang === "zh" && (out.notes_zh || []).length;
    showChanges(out.changes || [], (zh ? out.notes_zh : out.notes) || []);
    state.textContent = `✓ ${t("plan_no")} #${out.plan_id}`;
    showHistory();
  } catch (err) {
    state.textContent = `✗ ${err.message}`;
  }
}

/** Lists what each driver must be told (the changes grouped by vehicle) and the notes. */
function showChanges(changes, notes) {
  const box = document.getElementById("changes");
  box.replaceChildren(el("h3", { text: t("changes") }));
  const by = new Map();
  for (const c of changes) {
    let vid, text;
    if (typeof c === "string") {
      const k = c.indexOf(":");
      [vid, text] = k > 0 ? [c.slice(0, k), c.slice(k + 1).trim()] : ["", c];
    } else {
      vid = c.vehicle_id || c.vehicle || "";
      const detail = page.data.lang === "zh" && c.detail_zh ? c.detail_zh : c.detail;
      text = [page.data.words[`ch_${c.kind}`] || c.kind, c.station_id, detail].filter(Boolean).join(" ");
    }
    if (!by.has(vid)) by.set(vid, []);
    by.get(vid).push(text);
  }
  if (by.size === 0) box.append(el("p", { text: t("no_changes") }));
  for (const [vid, texts] of by) {
    box.append(el("div", { cls: "driver", testid: "driver-changes", "data-vehicle": vid },
      el("b", { text: vid }), el("ul", {}, ...texts.map((x) => el("li", { text: x })))));
  }
  if (notes.length) {
    box.append(el("h3", { text: t("notes") }), el("ul", { testid: "replan-notes" },
      ...notes.map((n) => el("li", { text: n }))));
  }
}

// --- history and side by side --------------------------------------------------------------

/** The plan history of the store (newest first): open a plan, or tick two to compare. */
async function showHistory() {
  const body = document.querySelector("#plans tbody");
  const plans = await api("/api/plans?limit=50");
  body.replaceChildren();
  for (const p of plans) {
    const tick = el("input", { type: "checkbox", testid: "compare-pick",
                               checked: day.compare.includes(p.id) });
    tick.addEventListener("change", () => {
      day.compare = day.compare.filter((x) => x !== p.id);
      if (tick.checked) day.compare.push(p.id);
    });
    const open = el("button", { type: "button", text: t("open"), testid: "open-plan" });
    open.addEventListener("click", () => openPlan(p.id));
    body.append(el("tr", { testid: "history-row", "data-plan": p.id },
      el("td", {}, tick), el("td", { text: p.id }), el("td", { text: p.scenario }),
      el("td", { text: p.plan_date }), el("td", { text: `v${p.version}` }),
      el("td", { text: p.author }), el("td", { text: num(p.cost) }),
      el("td", { text: p.violations ?? "–" }), el("td", {}, open)));
  }
}

/** Two plans side by side: their figures (with the difference) and their maps, in sync. */
async function compare() {
  const state = document.getElementById("compare-state");
  if (day.compare.length < 2) {
    state.textContent = t("choose_two");
    return;
  }
  state.textContent = "";
  const [a, b] = day.compare.slice(-2);
  const [da, db] = await Promise.all([api(`/api/plans/${a}`), api(`/api/plans/${b}`)]);
  const rows = [["cost", "cost", 2], ["distance", "distance_km", 1], ["vehicles", "vehicles", 0],
                ["stops", "stops", 0], ["unserved", "unserved_stations", 0]];
  const table = document.getElementById("compare-table");
  table.replaceChildren(el("tr", {}, el("th"), el("th", { text: `#${a}` }),
    el("th", { text: `#${b}` }), el("th", { text: t("difference") })));
  for (const [key, field, digits] of rows) {
    const x = da.totals[field], y = db.totals[field];
    table.append(el("tr", {}, el("th", { text: t(key) }), el("td", { text: num(x, digits) }),
      el("td", { text: num(y, digits) }), el("td", { text: num(y - x, digits) })));
  }
  document.getElementById("compare-panel").hidden = false;
  const [ma, mb] = await Promise.all([
    mapOf(a, document.getElementById("compare-left"), day.maps && day.maps[0]),
    mapOf(b, document.getElementById("compare-right"), day.maps && day.maps[1])]);
  day.maps = [ma, mb];
  if (ma && mb) { ma.sync(mb); mb.sync(ma); }
}

/** Wires the events forms, the re-plan and the comparison (called once the page is loaded). */
function wireDay() {
  const events = document.getElementById("event-form");
  events.addEventListener("submit", (e) => {
    e.preventDefault();
    day.events.push(eventOf(events));
    showPending();
  });
  const late = document.getElementById("late-form");
  late.addEventListener("submit", (e) => {
    e.preventDefault();
    day.late.push(lateOf(late));
    showPending();
  });
  document.getElementById("replan").addEventListener("click", replan);
  document.getElementById("compare").addEventListener("click", compare);
}
