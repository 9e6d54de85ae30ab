/* The outbox of new entries (editable boards).
 *
 * A new entry is not posted by its form: it becomes a draft in the outbox (store.js), with a
 * key chosen here, so that a retried save is stored once. Drafts are sent one at a time,
 * oldest first, so that entries reach the server in the order they were typed (sent all at
 * once, the later one could be stored first). A draft that failed stays visible as "not
 * saved" above its form and is retried (backoff, and at once when the browser is back
 * online, a poll gets through again or the page is reloaded). Whether it is retried is
 * decided by the status of the server's answer, kept with the draft as `failure`:
 * - "login" (401): the session has ended; sent again with the others (after a new login);
 * - "refused" (403, 404, 422): the server refused it, `error` says why; it waits for the
 *   person (Retry now, Back to the input) and does not hold up the others.
 */
import { config, state, t, revision } from "./state.js";
import * as store from "./store.js";
import { announce, showStatus } from "./announce.js";
import { applyUpdates, REACHABLE } from "./sync.js";
import { keepInputInView } from "./focus.js";

const LOGIN = "login";
const REFUSED = "refused";
const box = state.outbox;
const sendable = (draft) => draft.failure !== REFUSED;

// The text after a draft's "not saved" mark.
function badge(draft) {
  if (draft.failure === LOGIN) return t("not_saved_login");
  if (draft.failure === REFUSED) return draft.error || t("refused");
  return draft.sending ? t("saving") : t("not_saved");
}

// ------------------------------------------------------------------------------------
// The drafts on screen: a list above the add form of their section.

function pendingList(sectionId) {
  let list = document.getElementById("pending-" + sectionId);
  const form = document.getElementById("add-" + sectionId);
  if (!list && form) {
    list = document.createElement("ul");
    list.id = "pending-" + sectionId;
    list.className = "pending-entries";
    list.setAttribute("aria-label", t("pending_label"));
    form.before(list);
  }
  return list;
}

function linkButton(text, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = text;
  button.addEventListener("click", onClick);
  return button;
}

export function showPendingDrafts() {
  const drafts = store.drafts();
  for (const draft of drafts) {
    const list = pendingList(draft.section);
    if (!list) continue;
    let item = list.querySelector('[data-draft="' + draft.key + '"]');
    if (!item) {
      item = document.createElement("li");
      item.dataset.draft = draft.key;
      item.className = "entry entry--pending";
      const text = document.createElement("span");
      text.className = "entry__text";
      // The draft's words are in the language of its section's input (the consultation's).
      const form = document.getElementById("add-" + draft.section);
      const input = form && form.querySelector("textarea[name=text]");
      if (input && input.lang) text.lang = input.lang;
      const mark = document.createElement("span");
      mark.className = "pending-badge";
      item.append(mark, " ", text, " ", linkButton(t("retry"), () => retryNow(draft.key)),
        " ", linkButton(t("back_to_input"), () => backToInput(draft.key)));
      list.append(item);
    }
    item.querySelector(".entry__text").textContent = draft.text;
    item.querySelector(".pending-badge").textContent = badge(draft);
  }
  document.querySelectorAll(".pending-entries li[data-draft]").forEach((item) => {
    if (!drafts.some((d) => d.key === item.dataset.draft)) item.remove();
  });
}

function backToInput(key) {
  const draft = store.findDraft(key);
  if (!draft || key === box.inFlight) return; // being sent: its answer decides
  const form = document.getElementById("add-" + draft.section);
  if (!form) return;
  const input = form.querySelector("textarea[name=text]");
  input.value = draft.text + (input.value ? "\n" + input.value : "");
  store.dropDraft(key);
  showPendingDrafts();
  input.focus();
}

// ------------------------------------------------------------------------------------
// Sending

async function refreshToken() {
  if (!config.urls.token) return;
  try {
    const response = await fetch(config.urls.token, { credentials: "same-origin", cache: "no-store" });
    if (response.ok) state.csrfToken = (await response.json()).token;
  } catch (e) { /* offline: the next retry tries again */ }
}

function scheduleRetry(reason) {
  box.lastFailure = reason;
  box.attempts += 1;
  clearTimeout(box.retryTimer);
  box.retryTimer = setTimeout(() => { box.retryTimer = null; flush(); },
    Math.min(30000, 1000 * 2 ** Math.min(box.attempts, 5)));
}

async function flush() {
  if (box.flushing) return; // the running loop picks up whatever was added meanwhile
  box.flushing = true;
  clearTimeout(box.retryTimer);
  box.retryTimer = null;
  try {
    for (let draft = store.drafts().find(sendable); draft; draft = store.drafts().find(sendable)) {
      const outcome = await send(draft);
      if (outcome === "token") box.attempts = 0; // a fresh token: retry soon
      if (outcome !== "saved" && outcome !== "refused") { scheduleRetry(outcome); return; }
      box.attempts = 0;
      box.lastFailure = null;
    }
  } finally {
    box.flushing = false;
  }
}

// Sends one draft; answers "saved", "refused", or why to retry: "offline", "login",
// "token" (the session was renewed), "error".
async function send(draft) {
  const key = draft.key;
  const form = document.getElementById("add-" + draft.section) || document.querySelector("form.add-entry");
  if (!form) return "error";
  box.inFlight = key;
  store.updateDraft(key, { sending: true, failure: draft.failure === LOGIN ? LOGIN : null, error: null });
  showPendingDrafts();
  const body = new FormData();
  body.append("csrf_token", state.csrfToken);
  body.append("section_id", draft.section);
  body.append("parent_id", draft.parent || "");
  body.append("kind", draft.kind || "");
  body.append("text", draft.text);
  body.append("client_key", key);
  body.append("typed_by", config.userId); // the outbox is this person's (the server checks it)
  body.append("since", revision());
  try {
    const response = await fetch(form.action, {
      method: "POST", body, credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": state.csrfToken },
    });
    if (response.ok) {
      const html = await response.text();
      store.dropDraft(key);
      applyUpdates(html);
      announce(t("saved"));
      showStatus(store.pendingCount() ? "pending" : "ok");
      return "saved";
    }
    if (response.status === 401) {
      store.updateDraft(key, { sending: false, failure: LOGIN });
      showStatus("login");
      return "login";
    }
    if (response.status === 400) { // the security token ended with the session
      store.updateDraft(key, { sending: false });
      await refreshToken();
      return "token";
    }
    if (response.status === 422 || response.status === 403 || response.status === 404) {
      const message = new DOMParser().parseFromString(await response.text(), "text/html").body.textContent.trim();
      store.updateDraft(key, { sending: false, failure: REFUSED, error: t("refused") + " " + message });
      return "refused";
    }
    store.updateDraft(key, { sending: false });
    showStatus("pending");
    return "error";
  } catch (error) { // network down
    store.updateDraft(key, { sending: false });
    showStatus("offline");
    return "offline";
  } finally {
    box.inFlight = null;
    showPendingDrafts();
  }
}

function retryNow(key) {
  store.updateDraft(key, { failure: null, error: null });
  box.attempts = 0;
  flush();
}

// A poll got through (the network, or the login, is back) while drafts wait: send them
// now, not after the backoff.
function reachable() {
  if ((box.lastFailure === "offline" || box.lastFailure === "login") && box.retryTimer && !box.flushing) {
    box.attempts = 0;
    flush();
  }
}

// ------------------------------------------------------------------------------------
// The add forms

export function submitDraft(form) {
  const input = form.querySelector("textarea[name=text]");
  const text = input.value.trim();
  if (!text) return;
  const kind = (form.querySelector("input[name=kind]:checked") || {}).value || "";
  store.addDraft({
    key: store.newKey(), section: form.dataset.section, parent: form.querySelector("input[name=parent_id]").value,
    kind, text, created: Date.now(),
  });
  input.value = "";
  store.forgetTyped(form.dataset.section);
  showPendingDrafts();
  keepInputInView();
  flush();
}

export function start() {
  const board = config.board;
  board.addEventListener("submit", (event) => {
    const form = event.target.closest("form.add-entry");
    if (!form) return;
    event.preventDefault();
    submitDraft(form);
  });
  board.addEventListener("input", (event) => {
    const form = event.target.closest("form.add-entry");
    if (form) store.keepTyped(form.dataset.section, event.target.value);
  });
  board.addEventListener(REACHABLE, reachable);
  window.addEventListener("online", () => { box.attempts = 0; flush(); });

  // Restore what was being typed before a reload, then send what is still unsent.
  document.querySelectorAll("form.add-entry").forEach((form) => {
    const text = store.typed(form.dataset.section);
    if (text) form.querySelector("textarea[name=text]").value = text;
  });
  // A reload cut the sending ones off. A draft kept by an earlier version of this script
  // has an `error` text but no `failure`: it is sent again, and its answer decides.
  store.saveDrafts(store.drafts().map((d) => ({ ...d, sending: false, ...(d.error && !d.failure ? { error: null } : {}) })));
  showPendingDrafts();
  flush();
}
