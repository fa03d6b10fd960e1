// The workspace page, part 1 of 3: talking to /api, logging in, the scenarios, uploading
// today's manifest and following a solve job's progress (server-sent events).
// plan.js draws and edits a plan; day.js holds the day's events and the history.
// Plain browser JavaScript: no framework, no build step, no inline script (the page's CSP).
"use strict";

/** Shared state of the page: the CSRF token, what the account may do, the page's words. */
const page = {
  csrf: "",
  can: [],
  data: null,  // {lang, words} from the #page-data block
  tiles: null,  // the base maps offered (/static/tiles.json), once read
};

/** The page's word for ``key`` in its language (the key itself when there is none). */
function t(key) {
  return (page.data && page.data.words[key]) || key;
}

/** An error of an /api call: its HTTP status and the answer's JSON body (when it had one). */
class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Calls ``path`` of the API: JSON in (``options.json``) or a FormData body
 * (``options.form``), the CSRF token on every state-changing request; resolves to the
 * answer's JSON, rejects with an ApiError carrying the server's message. */
async function api(path, options = {}) {
  const method = options.method || (options.json || options.form ? "POST" : "GET");
  const headers = {};
  let body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;  // the browser sets the multipart boundary
  }
  if (method !== "GET") headers["X-CSRF-Token"] = page.csrf;
  const res = await fetch(path, { method, headers, body, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    let detail = data && data.detail !== undefined ? data.detail : res.statusText;
    if (Array.isArray(detail)) {  // FastAPI's validation errors: where and what, each
      detail = detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
    } else if (typeof detail !== "string") {
      detail = JSON.stringify(detail);
    }
    throw new ApiError(res.status, data, detail);
  }
  return data;
}

/** A new element: ``tag`` with properties (``text``, ``testid``, ``cls``, others as
 * attributes) and children. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "testid") node.dataset.testid = v;
    else if (k === "cls") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A number with ``digits`` decimals, or "–". */
function num(x, digits = 2) {
  return x === null || x === undefined ? "–" : Number(x).toFixed(digits);
}

/** Minutes after midnight as HH:MM. */
function hhmm(minutes) {
  if (minutes === null || minutes === undefined) return "–";
  const m = Math.round(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

// --- logging in ----------------------------------------------------------------------------

/** Shows the workspace of the logged-in account ``me`` (GET /api/me). */
async function showWorkspace(me) {
  page.csrf = me.csrf_token;
  page.can = me.can;
  document.getElementById("login-form").hidden = true;
  document.getElementById("workspace").hidden = false;
  document.getElementById("logout").hidden = false;
  document.getElementById("who").textContent = `${me.name} (${me.role})`;
  const runs = me.can.includes("run");
  document.getElementById("plan-form").hidden = !runs;
  document.getElementById("manifest-form").hidden = !me.can.includes("edit");
  await showScenarios();
  await showHistory();  // day.js
}

/** Fills the scenario choice; ``chosen`` is selected when given. */
async function showScenarios(chosen) {
  const select = document.getElementById("scenario");
  select.replaceChildren();
  for (const s of await api("/api/scenarios")) {
    const label = s.title ? `${s.title} (${s.name})` : s.name;
    select.append(el("option", { value: s.name, text: s.date ? `${label} ${s.date}` : label }));
  }
  if (chosen) select.value = chosen;
}

// --- today's manifest ----------------------------------------------------------------------

/** Uploads the chosen manifest file into the chosen scenario: on success the new scenario is
 * chosen; on import errors they are listed row by row. */
async function uploadManifest(form) {
  const status = document.getElementById("manifest-status");
  const table = document.getElementById("manifest-errors");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  table.hidden = true;
  const scenario = document.getElementById("scenario").value;
  status.textContent = "…";
  try {
    const out = await api(`/api/scenarios/${encodeURIComponent(scenario)}/manifest`,
                          { form: new FormData(form) });
    const name = typeof out.scenario === "string" ? out.scenario : out.scenario.name;
    await showScenarios(name);
    status.textContent = `${t("uploaded")} ${name}`;
    status.className = "ok";
  } catch (err) {
    status.className = "bad";
    const errors = err.body && Array.isArray(err.body.errors) ? err.body.errors : null;
    if (!errors) {
      status.textContent = err.message;
      return;
    }
    status.textContent = t("upload_failed");
    for (const e of errors) {
      body.append(el("tr", { testid: "manifest-error" },
        el("td", { text: e.file || "" }), el("td", { text: e.row ?? "" }),
        el("td", { text: e.field || "" }), el("td", { text: e.value ?? "" }),
        el("td", { text: e.message || "" })));
    }
    table.hidden = false;
  }
}

// --- solve jobs ----------------------------------------------------------------------------

/** Starts a solve (POST /api/plans with ``request``) and follows it; the plan it makes is
 * opened when it is done. */
async function startSolve(request) {
  const label = document.getElementById("job-state");
  label.textContent = "…";
  try {
    const job = await api("/api/plans", { json: request });
    label.textContent = t("queued");
    const planId = await follow(job.job);
    await openPlan(planId);  // plan.js
    await showHistory();
  } catch (err) {
    label.textContent = `✗ ${err.message}`;
  }
}

/** Follows job ``jobId`` through its server-sent events, moving the progress bar; resolves
 * to the plan's id when the job is done, rejects with its message when it failed. */
function follow(jobId) {
  const bar = document.getElementById("progress");
  const label = document.getElementById("job-state");
  bar.hidden = false;
  bar.value = 0;
  return new Promise((resolve, reject) => {
    const source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events`);
    const update = (e) => {
      const job = JSON.parse(e.data);
      bar.value = job.progress;
      const best = job.best_cost === null ? "" : ` ${num(job.best_cost)}`;
      label.textContent = `${job.stage} ${Math.round(job.progress * 100)}%${best}`;
      return job;
    };
    source.addEventListener("progress", update);
    source.addEventListener("done", (e) => {
      const job = update(e);
      source.close();
      label.textContent = `✓ ${t("plan_no")} #${job.plan_id}`;
      resolve(job.plan_id);
    });
    source.addEventListener("failed", (e) => {
      const job = update(e);
      source.close();
      reject(new Error(job.message));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) reject(new Error("event stream closed"));
      // otherwise the browser reconnects by itself
    };
  });
}

// --- wiring --------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  page.data = JSON.parse(document.getElementById("page-data").textContent);
  const login = document.getElementById("login-form");
  login.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(login));
    try {
      await api("/api/login", { json: data });
      await showWorkspace(await api("/api/me"));
    } catch (err) {
      document.getElementById("login-error").textContent = `${t("login_failed")}: ${err.message}`;
    }
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/api/logout", { method: "POST" });
    window.location.reload();
  });
  const plan = document.getElementById("plan-form");
  plan.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(plan));
    startSolve({ scenario: data.scenario, time_limit_s: Number(data.time_limit_s) });
  });
  const manifest = document.getElementById("manifest-form");
  manifest.addEventListener("submit", (e) => {
    e.preventDefault();
    uploadManifest(manifest);
  });
  wirePlan();  // plan.js
  wireDay();   // day.js
  api("/api/me").then(showWorkspace).catch(() => { /* not logged in: the form shows */ });
});
