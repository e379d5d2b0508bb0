// Live updates over server-sent events, and flag actions without a page reload.
"use strict";
(function () {
  const live = document.getElementById("live");
  const announce = document.getElementById("announce");
  const connection = document.getElementById("connection");
  const actor = document.getElementById("actor");

  const saved = window.localStorage.getItem("iop-actor");
  if (saved) actor.value = saved;
  actor.addEventListener("change", () => window.localStorage.setItem("iop-actor", actor.value));

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
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    if (!actor.reportValidity()) return;
    const row = form.closest("tr[data-flag-id]");
    const action = form.dataset.action;
    const button = form.querySelector("button");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    pending.set(row.dataset.flagId, action);  // before the request: the update may arrive before its answer
    try {
      const response = await fetch("/api/flags/" + encodeURIComponent(row.dataset.flagId) + "/" + action, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({by: actor.value}),
      });
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
