// Live updates over server-sent events, and flag actions without a page reload.
"use strict";
(function () {
  const live = document.getElementById("live");
  const announce = document.getElementById("announce");
  const connection = document.getElementById("connection");
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const opened = document.getElementById("concern-text");

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body || {}),
    });
  }

  // A concern's text lives outside #live, so live updates never wipe it; it is never stored in the browser.
  function showConcern(c) {
    opened.querySelector("[data-field=patient]").textContent = c.patient_id;
    opened.querySelector("[data-field=received]").textContent = new Date(c.received_at).toLocaleString();
    opened.querySelector("[data-field=text]").textContent = c.text;
    opened.hidden = false;
    opened.focus();
  }
  opened.querySelector("[data-close]").addEventListener("click", () => {
    opened.hidden = true;
    opened.querySelector("[data-field=text]").textContent = "";
  });

  function say(text) {
    announce.textContent = text;
  }

  function setConnection(state, text) {
    connection.dataset.state = state;
    connection.textContent = "Live updates: " + text;
  }

  function flagCount() {
    const el = live.querySelector("[data-testid=flag-count]");
    return el ? el.textContent.trim() : "0";
  }

  const source = new EventSource("/events");
  source.addEventListener("open", () => setConnection("on", "on"));
  source.addEventListener("error", () => setConnection("off", "reconnecting"));
  // Announce what matters (a confirmed action, a change in open flags), not every refresh.
  const pending = new Map();
  source.addEventListener("overview", (event) => {
    const focused = document.activeElement && document.activeElement.id;
    const before = flagCount();
    live.innerHTML = event.data;
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    const confirmed = [];
    for (const [flagId, action] of pending) {
      const row = document.getElementById("flag-" + flagId);
      if (action === "acknowledge" ? row && row.dataset.status === "acknowledged" : !row) {
        confirmed.push(action === "acknowledge" ? "Acknowledgement confirmed" : "Resolution confirmed");
        pending.delete(flagId);
      }
    }
    const after = flagCount();
    if (confirmed.length) say(confirmed.join(". ") + ". Open risk flags: " + after);
    else if (after !== before) say("Open risk flags: " + after);
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-concern]");
    if (!form) return;
    event.preventDefault();
    const row = form.closest("tr[data-concern-id]");
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await post("/api/concerns/" + encodeURIComponent(row.dataset.concernId) + "/open");
      if (response.ok) {
        showConcern(await response.json());
        say("Reply opened");
      } else {
        const body = await response.json().catch(() => ({}));
        say("Could not open the reply: " + (typeof body.detail === "string" ? body.detail : response.status));
        button.disabled = false;
      }
    } catch (err) {
      say("Could not open the reply: the dashboard is unreachable");
      button.disabled = false;
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    const row = form.closest("tr[data-flag-id]");
    const action = form.dataset.action;
    const button = form.querySelector("button");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    pending.set(row.dataset.flagId, action);  // before the request: the update may arrive before its answer
    try {
      const response = await post("/api/flags/" + encodeURIComponent(row.dataset.flagId) + "/" + action);
      if (response.ok) {
        say(action === "acknowledge" ? "Flag acknowledged; updating" : "Flag resolved; updating");
      } else {
        pending.delete(row.dataset.flagId);
        const body = await response.json().catch(() => ({}));
        say("Could not " + action + " the flag: " + (typeof body.detail === "string" ? body.detail : response.status));
        button.disabled = false;
      }
    } catch (err) {
      pending.delete(row.dataset.flagId);
      say("Could not " + action + " the flag: the dashboard is unreachable");
      button.disabled = false;
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
})();
