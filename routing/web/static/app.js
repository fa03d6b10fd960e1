// The workspace page: logs in through /api/login, lists scenarios and plans, starts a solve
// and follows its progress through server-sent events. No framework, no build step.
"use strict";

const state = { csrf: "" };

async function api(path, options = {}) {
  const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
  if (options.method && options.method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const res = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin" }));
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail; } catch (e) { /* not JSON */ }
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return res.json();
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "–" : String(text);
  row.appendChild(td);
  return td;
}

async function showPlans() {
  const body = document.querySelector("#plans tbody");
  body.replaceChildren();
  for (const p of await api("/api/plans")) {
    const tr = document.createElement("tr");
    [p.id, p.scenario, p.plan_date, p.version, p.cost, p.violations].forEach((v) => cell(tr, v));
    const td = cell(tr, "");
    const a = document.createElement("a");
    a.href = `/api/plans/${p.id}/routes.xlsx?lang=${document.body.dataset.lang}`;
    a.textContent = "routes.xlsx";
    td.appendChild(a);
    body.appendChild(tr);
  }
}

async function showWorkspace(me) {
  state.csrf = me.csrf_token;
  document.getElementById("login-form").hidden = true;
  document.getElementById("workspace").hidden = false;
  document.getElementById("logout").hidden = false;
  document.getElementById("who").textContent = `${me.name} (${me.role})`;
  const select = document.getElementById("scenario");
  select.replaceChildren();
  for (const s of await api("/api/scenarios")) {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.title ? `${s.title} (${s.name})` : s.name;
    select.appendChild(o);
  }
  document.getElementById("plan-form").hidden = !me.can.includes("run");
  await showPlans();
}

function follow(jobId) {
  const bar = document.getElementById("progress");
  const label = document.getElementById("job-state");
  bar.hidden = false;
  const source = new EventSource(`/api/jobs/${jobId}/events`);
  const update = (e) => {
    const job = JSON.parse(e.data);
    bar.value = job.progress;
    label.textContent = `${job.stage} ${job.best_cost === null ? "" : job.best_cost}`;
  };
  source.addEventListener("progress", update);
  for (const end of ["done", "failed"]) {
    source.addEventListener(end, (e) => {
      update(e);
      const job = JSON.parse(e.data);
      label.textContent = end === "done" ? `✓ ${job.plan_id}` : `✗ ${job.message}`;
      source.close();
      showPlans();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      await api("/api/login", { method: "POST", body: JSON.stringify(data) });
      await showWorkspace(await api("/api/me"));
    } catch (err) {
      document.getElementById("login-error").textContent =
        `${document.body.dataset.loginFailed}: ${err.message}`;
    }
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/api/logout", { method: "POST" });
    window.location.reload();
  });
  const plan = document.getElementById("plan-form");
  plan.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(plan));
    data.time_limit_s = Number(data.time_limit_s);
    try {
      const job = await api("/api/plans", { method: "POST", body: JSON.stringify(data) });
      follow(job.job);
    } catch (err) {
      document.getElementById("job-state").textContent = err.message;
    }
  });
  api("/api/me").then(showWorkspace).catch(() => { /* not logged in: the form shows */ });
});
