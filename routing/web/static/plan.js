// The workspace page, part 2 of 3: one plan on the map and as one list per vehicle. A stop
// dragged within or between vehicles is re-timed and checked at once (POST .../retime);
// violations are marked in red on the stop and its vehicle, the cost change shown, and undo
// goes back to the previous version's routes (re-timed again, as a new version). Vehicles and
// stops may be locked and the rest re-optimised (a solve job around the locks).
"use strict";

/** The plan on screen. */
const current = {
  id: null,         // the stored plan's id (each version has its own)
  version: null,    // its version in its line of edits
  doc: null,        // the plan.json document
  violations: [],   // the checker's findings on it ({kind, where, message}), when known
  undo: [],         // earlier versions' routes and cost, newest last
  map: null,        // the Leaflet map drawn by routingMap
  sortables: [],    // one Sortable per vehicle list
  lockedVehicles: new Set(),  // vehicle ids
  lockedStops: new Set(),     // "vehicle/station" keys
  busy: false,      // an edit is on its way to the server
};

/** The routes of a plan document as POST .../retime takes them. */
function routesOf(doc) {
  return doc.routes.map((r) => ({
    vehicle_id: r.vehicle_id, trip: r.trip,
    stops: r.stops.map((s) => ({ station_id: s.station_id, lines: s.lines })),
  }));
}

/** The routes as the dispatcher left them in the vehicle lists (empty routes dropped). */
function routesOnScreen() {
  return [...document.querySelectorAll("#vehicles .vehicle")].map((v) => ({
    vehicle_id: v.dataset.vehicle, trip: Number(v.dataset.trip),
    stops: [...v.querySelectorAll("li.stop")].map((li) => ({
      station_id: li.dataset.station, lines: JSON.parse(li.dataset.lines),
    })),
  })).filter((r) => r.stops.length > 0);
}

/** Opens stored plan ``id``: its document, its version, the map and the lists. The undo
 * history starts afresh. */
async function openPlan(id, violations = null) {
  const [doc, version] = await Promise.all([api(`/api/plans/${id}`),
                                            api(`/api/plans/${id}/version`)]);
  if (violations === null && page.can.includes("read")) {  // the checker's findings, again
    violations = await api(`/api/plans/${id}/violations`).catch(() => null);
  }
  current.undo = [];
  show(id, version.version, doc, violations, null);
}

/** Puts plan ``id`` (version ``version``, document ``doc``) on screen with its
 * ``violations`` (null: not known) and the cost change ``delta`` (null: none shown). */
function show(id, version, doc, violations, delta) {
  current.id = id;
  current.version = version;
  current.doc = doc;
  current.violations = violations || [];
  document.getElementById("plan").hidden = false;
  document.getElementById("events").hidden = !page.can.includes("edit");
  document.getElementById("plan-title").textContent =
    `${t("plan_no")} #${id} · ${doc.scenario.name} · ${t("version")} ${version}`;
  document.getElementById("plan-cost").textContent = num(doc.totals.cost);
  const change = document.getElementById("cost-change");
  change.textContent = delta === null ? "" : `${t("cost_change")} ${delta >= 0 ? "+" : ""}${num(delta)}`;
  change.className = delta === null ? "" : delta > 0 ? "worse" : "better";
  const lang = page.data.lang;
  document.getElementById("print-sheets").href = `/api/plans/${id}/route_sheets.pdf?lang=${lang}`;
  document.getElementById("download-xlsx").href = `/api/plans/${id}/routes.xlsx?lang=${lang}`;
  document.getElementById("undo").disabled = current.undo.length === 0;
  for (const id of ["undo", "reoptimise"]) {  // editing: dispatchers and admins
    document.getElementById(id).hidden = !page.can.includes("edit");
  }
  for (const id of ["print-sheets", "download-xlsx"]) {  // every carrier's lines: not carriers
    document.getElementById(id).hidden = !page.can.includes("read");
  }
  drawLists(doc);
  addIdleVehicles(id).catch((e) => console.warn(e));
  markViolations(violations);
  drawMap(id);
  fillEventChoices(doc);  // day.js
}

// --- the lists -----------------------------------------------------------------------------

/** One list per vehicle (trip): its stops in order with arrival and load, lock boxes, and
 * SortableJS on each list so stops can be dragged within and between vehicles. */
function drawLists(doc) {
  for (const s of current.sortables) s.destroy();
  current.sortables = [];
  const box = document.getElementById("vehicles");
  box.replaceChildren();
  for (const r of doc.routes) {
    const trip = r.trip > 1 ? ` · ${r.trip}` : "";
    const load = r.load_at_start || {};
    const figures = ` ${hhmm(r.start_min)}–${hhmm(r.end_min)} · ${num(r.distance_km, 1)} km` +
                    ` · ${num(r.cost && r.cost.total)} · ${load.parcels ?? "–"} ${t("parcels")}` +
                    ` / ${num(load.kg, 0)} kg`;
    box.append(vehicleCard(r.vehicle_id, r.trip || 1, `${r.vehicle_id}${trip}`, figures,
                           r.stops));
  }
}

/** The card of one vehicle's trip: lock box, name, figures, its stops as a list that
 * SortableJS lets the dispatcher reorder and drag stops into or out of. */
function vehicleCard(vid, trip, name, figures, stops) {
  const canEdit = page.can.includes("edit");
  const lock = el("input", { type: "checkbox", testid: "lock-vehicle",
                             checked: current.lockedVehicles.has(vid) });
  const head = el("div", { cls: "vehicle-head" },
    canEdit ? el("label", { cls: "lock" }, lock, t("lock")) : null,
    el("b", { text: name }), el("span", { text: figures }),
    el("span", { cls: "flag", testid: "vehicle-flag" }));
  const list = el("ol", { cls: "stops", testid: "stops" });
  for (const s of stops) list.append(stopItem(vid, s, canEdit));
  const card = el("div", { cls: "vehicle", testid: "vehicle", "data-vehicle": vid,
                           "data-trip": trip }, head, list);
  lock.addEventListener("change", () => {
    if (lock.checked) current.lockedVehicles.add(vid);
    else current.lockedVehicles.delete(vid);
    card.classList.toggle("locked", lock.checked);
  });
  card.classList.toggle("locked", current.lockedVehicles.has(vid));
  if (canEdit) {
    current.sortables.push(Sortable.create(list, {
      group: "stops", handle: ".handle", filter: ".locked", animation: 120,
      onEnd: (e) => {
        if (e.from !== e.to || e.oldIndex !== e.newIndex) retime(routesOnScreen());
      },
    }));
  }
  return card;
}

/** The vehicles plan ``id`` leaves idle, as empty cards after the others, so a stop can be
 * dragged onto one (dispatchers and admins; nothing if another plan was opened meanwhile). */
async function addIdleVehicles(id) {
  if (!page.can.includes("edit")) return;
  const fleet = await api(`/api/plans/${id}/fleet?lang=${page.data.lang}`);
  if (current.id !== id) return;
  const box = document.getElementById("vehicles");
  for (const v of fleet.filter((x) => !x.used)) {
    const card = vehicleCard(v.vehicle_id, 1, v.vehicle_id,
                             ` ${v.type_name} · ${t("idle")} · ${v.capacity_parcels} ` +
                             `${t("parcels")} / ${num(v.capacity_kg, 0)} kg`, []);
    card.classList.add("idle");
    card.dataset.testid = "idle-vehicle";
    box.append(card);
  }
}

/** The list item of stop ``s`` of vehicle ``vid``: drag handle, lock box, order, station,
 * arrival and what is on board after it. */
function stopItem(vid, s, canEdit) {
  const key = `${vid}/${s.station_id}`;
  const lock = el("input", { type: "checkbox", testid: "lock-stop",
                             checked: current.lockedStops.has(key) });
  lock.addEventListener("change", () => {
    if (lock.checked) current.lockedStops.add(key);
    else current.lockedStops.delete(key);
    item.classList.toggle("locked", lock.checked);
  });
  const after = s.load_after || {};
  const item = el("li", { cls: "stop", testid: "stop", "data-station": s.station_id,
                          "data-lines": JSON.stringify(s.lines), "data-seq": s.seq },
    canEdit ? el("span", { cls: "handle", testid: "handle", title: "drag" }, "⠿") : null,
    canEdit ? lock : null,
    el("span", { cls: "seq", text: `${s.seq}.` }),
    el("span", { cls: "name", text: `${s.station_name} (${s.station_id})` }),
    el("span", { cls: "time", text: `${t("arrival")} ${hhmm(s.arrival_min)}` }),
    el("span", { cls: "load", text: `${t("load")} ${after.parcels ?? "–"} ${t("parcels")} / ` +
                                    `${num(after.kg, 0)} kg` }),
    el("span", { cls: "flag", testid: "stop-flag" }));
  item.classList.toggle("locked", current.lockedStops.has(key));
  return item;
}

/** Where a violation sits: its vehicle and trip, and its stop's order number when it names
 * one ("route van-1 trip 2 stop 3 (V1 东一村)", or "after stop 1 (V2)" in the message). */
function placeOf(v) {
  const m = /^route (\S+)(?: trip (\d+))?(?: stop (\d+))?/.exec(v.where);
  if (!m) return null;
  const after = /after stop (\d+)/.exec(v.message);
  return { vehicle: m[1], trip: Number(m[2] || 1),
           seq: m[3] ? Number(m[3]) : after ? Number(after[1]) : null };
}

/** A violation's kind in the page's language (超载 for over_capacity), else its code. */
function kindName(kind) {
  const name = t(`kind_${kind}`);
  return name === `kind_${kind}` ? kind : name;
}

/** Lists the checker's findings and marks each on its stop and vehicle (red). */
function markViolations(violations) {
  const list = document.getElementById("violations");
  list.replaceChildren();
  const count = document.getElementById("violation-count");
  if (violations === null) {
    count.textContent = "";
    return;
  }
  count.textContent = violations.length ? `${t("violations")}: ${violations.length}`
                                        : t("no_violations");
  count.className = violations.length ? "bad" : "ok";
  for (const v of violations) {
    const kind = kindName(v.kind);
    list.append(el("li", { testid: "violation", "data-kind": v.kind,
                           text: `[${kind}] ${v.where}: ${v.message}` }));
    const at = placeOf(v);
    if (!at) continue;
    const card = document.querySelector(
      `#vehicles .vehicle[data-vehicle="${CSS.escape(at.vehicle)}"][data-trip="${at.trip}"]`);
    if (!card) continue;
    card.classList.add("violated");
    card.querySelector(".vehicle-head .flag").textContent = `⚠ ${kind}`;
    if (at.seq !== null) {
      const stop = card.querySelector(`li.stop[data-seq="${at.seq}"]`);
      if (stop) {
        stop.classList.add("violated");
        stop.title = v.message;
        stop.querySelector(".flag").textContent = `⚠ ${kind}`;
      }
    }
  }
}

// --- the map -------------------------------------------------------------------------------

/** The tile source chosen under the map (null: the layers alone); the sources are read from
 * /static/tiles.json the first time one is chosen. */
async function tiles() {
  const name = document.getElementById("tiles").value;
  if (name === "none") return null;
  if (!page.tiles) page.tiles = await api(`/static/tiles.json?lang=${page.data.lang}`);
  return page.tiles[name] || null;
}

/** Draws plan ``id``'s map (GET .../map, drawn by the reports' routingMap) into ``element``
 * after removing the ``old`` map there; returns the Leaflet map, or null with the error
 * written into the element. When another map is asked for in the element meanwhile, only the
 * newest is drawn (null for the others). */
async function mapOf(id, element, old) {
  if (old) old.remove();
  const ticket = String(Number(element.dataset.ticket || 0) + 1);
  element.dataset.ticket = ticket;
  try {
    const data = await api(`/api/plans/${id}/map?lang=${page.data.lang}`);
    const source = await tiles();
    if (element.dataset.ticket !== ticket) return null;
    element.replaceChildren();
    return routingMap(element, data, { tiles: source });
  } catch (err) {
    if (element.dataset.ticket === ticket) {
      element.replaceChildren(el("p", { cls: "bad", text: err.message }));
    }
    return null;
  }
}

/** Draws the map of the plan on screen. */
async function drawMap(id) {
  const old = current.map;
  current.map = null;
  const map = await mapOf(id, document.getElementById("map"), old);
  if (map) current.map = map;  // (null: a newer map was asked for, or the error shows)
}

// --- edits ---------------------------------------------------------------------------------

/** Says whether an edit is on its way (and keeps the lists from being dragged meanwhile). */
function setBusy(busy, text = "") {
  current.busy = busy;
  document.getElementById("plan-busy").textContent = text;
  for (const s of current.sortables) s.option("disabled", busy);
}

/** Re-times ``routes`` as the next version of the plan on screen. ``isUndo``: they are an
 * earlier version's routes (so no new undo step). A stale version (409) or routes the server
 * refuses (422) put the newest version back on screen with the server's message. */
async function retime(routes, isUndo = false) {
  if (current.busy) return;
  setBusy(true, t("saving"));
  const before = { routes: routesOf(current.doc), cost: current.doc.totals.cost };
  try {
    const out = await api(`/api/plans/${current.id}/retime`,
                          { json: { version: current.version, routes } });
    if (!isUndo) current.undo.push(before);
    setBusy(false);
    show(out.plan_id, out.version, out.plan, out.violations, out.plan.totals.cost - before.cost);
    showHistory();  // day.js
  } catch (err) {
    setBusy(false);
    if (err.status === 409 && err.body) {
      await openPlan(err.body.current_plan_id);
    } else {
      show(current.id, current.version, current.doc, current.violations, null);
    }
    document.getElementById("plan-busy").textContent = `✗ ${err.message}`;
  }
}

/** Back to the previous version's routes (re-timed, stored as a new version). */
function undo() {
  const previous = current.undo.pop();
  if (previous) retime(previous.routes, true);
}

/** Re-optimises the plan on screen around the locked vehicles and stops (a solve job). */
function reoptimise() {
  const limit = Number(document.querySelector("#plan-form [name=time_limit_s]").value) || 30;
  startSolve({  // app.js
    scenario: current.doc.scenario.name, time_limit_s: limit, reference_plan: current.id,
    lock_vehicles: [...current.lockedVehicles],
    lock_stops: [...current.lockedStops].map((k) => k.slice(k.indexOf("/") + 1)),
  });
}

/** Wires the plan's buttons (called once the page is loaded). Maps are drawn anew after
 * every edit, so Leaflet's zoom and fade animations are off: a map removed while it still
 * animated its first view would throw. */
function wirePlan() {
  L.Map.mergeOptions({ zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  document.getElementById("undo").addEventListener("click", undo);
  document.getElementById("reoptimise").addEventListener("click", reoptimise);
  document.getElementById("tiles").addEventListener("change", () => {
    if (current.id !== null) drawMap(current.id);
  });
}
