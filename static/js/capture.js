/* consult — live capture board and projector.
 *
 * - Polls the board's revision every second ("nothing changed" is a 204) and applies the
 *   out-of-band updates the server sends; an entries list that holds an open editor is
 *   never replaced (the revision is then not advanced, so the update comes again later).
 * - New entries go through an outbox kept in localStorage: each has a key chosen here, so a
 *   retried save is stored once. Drafts are sent one at a time in the order typed. A failed
 *   save stays visible as "not saved" and is retried (backoff, and at once when the browser
 *   is back online, a poll gets through again or the page is reloaded).
 * - Keyboard: see the help on the board (Enter, Shift+Enter, Tab, Shift+Tab, Alt+1…4,
 *   arrows, Alt+arrows, Delete, Ctrl+Z, Esc).
 * Without this file every action still works as a plain form.
 */
(function () {
  "use strict";

  const board = document.querySelector(".board[data-meeting]");
  if (!board || !window.htmx) return;

  const meetingId = board.dataset.meeting;
  const editable = board.dataset.editable === "true";
  const changesUrl = board.dataset.changesUrl;
  const i18n = JSON.parse(board.dataset.i18n || "{}");
  const t = (key, n) => (i18n[key] || key).replace("%(n)s", n);
  const KINDS = ["strength", "weakness", "conclusion", "idea"];
  const POLL_MS = 1000;

  let csrfToken = (document.querySelector('input[name="csrf_token"]') || {}).value || "";
  let deferred = false; // an update was held back this round (someone is editing)
  // The element whose own request's answer is being swapped in right now (an editor's save
  // may replace its own list; nothing else may while the editor is open or saving).
  let answering = null;
  let onPollOk = () => {}; // the outbox (editable boards) hooks in here

  // ----------------------------------------------------------------------------------
  // Outbox storage (new entries not yet confirmed by the server, in the order typed)

  // Kept per person and meeting, and cleared at logout (session.js): on a shared computer,
  // one person's unsent entries are never sent under another person's account.
  const userId = board.dataset.user || "";
  const OUTBOX = "consult-outbox-" + userId + "-" + meetingId;
  // Outboxes from before they were kept per person: nobody can tell whose they are.
  localStorage.removeItem("consult-outbox-" + meetingId);
  const outbox = () => { try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; } };
  const saveOutbox = (items) => localStorage.setItem(OUTBOX, JSON.stringify(items));
  const updateDraft = (key, changes) => saveOutbox(outbox().map((d) => (d.key === key ? { ...d, ...changes } : d)));
  const dropDraft = (key) => saveOutbox(outbox().filter((d) => d.key !== key));
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now() + "-" + Math.random().toString(16).slice(2));

  // ----------------------------------------------------------------------------------
  // Sync status

  const statusBox = document.getElementById("sync-status");
  function setStatus(kind) {
    if (!statusBox) return;
    const pending = outbox().length;
    const texts = {
      ok: pending ? t("pending", pending) : "",
      pending: t("pending", pending),
      offline: t("offline", pending),
      login: t("login", pending),
    };
    const text = texts[kind] || "";
    statusBox.hidden = !text;
    statusBox.className = "sync-status sync-status--" + kind;
    if (statusBox.dataset.text !== text) {
      statusBox.dataset.text = text;
      statusBox.innerHTML = "";
      statusBox.append(document.createTextNode(text + " "));
      if (kind === "login") {
        const link = document.createElement("a");
        link.href = "/login?next=" + encodeURIComponent(location.pathname);
        link.target = "_blank";
        link.textContent = t("login_link");
        statusBox.append(link);
      }
    }
  }

  // ----------------------------------------------------------------------------------
  // Revision and updates

  const state = () => document.getElementById("board-state");
  const revision = () => state().dataset.rev;

  // What others changed is announced politely to screen readers: each new or changed entry
  // with its section (three at most; more are summed up as "the board was updated").
  function announce(text) {
    const box = document.getElementById("board-announcer");
    if (box) { box.textContent = ""; setTimeout(() => { box.textContent = text; }, 50); }
  }

  function entriesShown() {
    const shown = new Map();
    document.querySelectorAll("li[data-entry]").forEach((li) => {
      shown.set(li.dataset.entry, li.dataset.version);
    });
    return shown;
  }

  function describe(li) {
    const text = li.querySelector(":scope > .entry__body .entry__text");
    const section = li.closest(".board-section");
    const head = section && document.getElementById("section-head-" + section.dataset.section);
    const where = head ? head.textContent.replace(/\s+/g, " ").trim() : "";
    return (text ? text.textContent.trim() : "") + (where ? " (" + where + ")" : "");
  }

  function announceChanges(before) {
    const added = [];
    const changed = [];
    let removed = 0;
    const after = entriesShown();
    after.forEach((version, id) => {
      if (!before.has(id)) added.push(id);
      else if (before.get(id) !== version) changed.push(id);
    });
    before.forEach((_version, id) => { if (!after.has(id)) removed += 1; });
    const lines = added.map((id) => t("announce_new", describe(document.getElementById("entry-" + id))))
      .concat(changed.map((id) => t("announce_changed", describe(document.getElementById("entry-" + id)))));
    if (removed) lines.push(t("announce_removed", removed));
    if (lines.length > 3) announce(t("announce_many"));
    else if (lines.length) announce(lines.join(" "));
  }

  function applyUpdates(html) {
    deferred = false;
    const before = entriesShown();
    htmx.swap(document.body, html, { swapStyle: "none" });
    announceChanges(before);
  }

  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const target = event.detail.target;
    const fragment = event.detail.fragment;
    // Entries added at the end of a list (not the list whole): safe beside an open editor.
    // An entry the page shows already (two answers may both bring it) is not added twice.
    const firstItem = fragment && fragment.firstElementChild;
    if (firstItem && firstItem.matches && firstItem.matches("li[data-entry]")) {
      [...fragment.children].forEach((li) => { if (document.getElementById(li.id)) li.remove(); });
      if (!fragment.firstElementChild) event.detail.shouldSwap = false;
      return;
    }
    // Never replace a list in which someone has an editor open, also while it is saving:
    // only the save's own answer may (a poll landing first would take the editor away and
    // with it the conflict view a 409 brings). A conflict view holds such an editor too: it
    // blocks updates until its text is saved.
    if (target.matches && target.matches("ol.board-entries")) {
      const editor = target.querySelector(".entry-editor");
      if (editor && !(answering && editor.contains(answering))) {
        event.detail.shouldSwap = false;
        deferred = true;
        return;
      }
      const focused = document.activeElement && document.activeElement.closest("li[data-entry]");
      if (focused && target.contains(focused) && !(refocus && refocus.from === focused)) {
        refocus = { from: focused, to: () => document.getElementById("entry-" + focused.dataset.entry) };
      }
    }
    // A new part or section that this page already has (it made it itself).
    const first = fragment && fragment.firstElementChild;
    if (first && first.id && target.id !== first.id && document.getElementById(first.id)) {
      event.detail.shouldSwap = false;
      return;
    }
    // The revision: taken only when nothing was held back.
    if (target.id === "board-state") {
      const next = first && first.dataset ? first.dataset.rev : (fragment.dataset || {}).rev;
      if (deferred || next === "" || next === undefined) {
        const active = first && first.dataset ? first.dataset.active : null;
        event.detail.shouldSwap = false;
        if (active !== null) { target.dataset.active = active; highlightActive(); }
      }
    }
  });

  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    const el = event.detail && event.detail.target;
    if (el && el.id === "board-state") highlightActive();
    restoreFocus();
    showPendingDrafts();
  });
  document.body.addEventListener("htmx:afterSwap", () => { restoreFocus(); showPendingDrafts(); });
  document.body.addEventListener("htmx:beforeSwap", (event) => { answering = event.detail.elt; });

  // The entry that had the focus (or the editor in it), once a swap has replaced it: the
  // focus goes to ``to()`` (the same entry anew, or where a deletion sends it), unless the
  // swap itself kept the focus somewhere.
  let refocus = null;
  function restoreFocus() {
    if (!refocus || refocus.from.isConnected) return;
    const target = refocus.to();
    refocus = null;
    const active = document.activeElement;
    if (target && (!active || active === document.body)) target.focus();
  }

  function highlightActive() {
    const active = state().dataset.active;
    document.querySelectorAll(".board-section.is-active").forEach((s) => s.classList.remove("is-active"));
    const section = active && document.getElementById("section-" + active);
    if (!section) return;
    section.classList.add("is-active");
    if (board.classList.contains("projector")) section.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // Every htmx request of the board carries the revision it has seen and a fresh token.
  document.body.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRFToken"] = csrfToken;
    if (event.detail.verb !== "get") {
      event.detail.parameters.since = revision();
      event.detail.parameters.csrf_token = csrfToken;
    }
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    answering = null;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    // A part or section added: its form is empty again for the next one (without JavaScript
    // the redirect shows a fresh form); a refused one keeps what was typed.
    const form = event.detail.elt;
    if (event.detail.successful && form instanceof HTMLFormElement && form.closest(".add-part, .add-section")) {
      form.reset();
    }
    if (status === 401) setStatus("login");
    else if (status === 0) setStatus("offline");
    if (deferred) poll();
  });
  document.body.addEventListener("htmx:sendError", () => setStatus("offline"));

  let polling = false;
  async function poll() {
    if (polling || !changesUrl) return;
    polling = true;
    try {
      const sep = changesUrl.includes("?") ? "&" : "?";
      const response = await fetch(changesUrl + sep + "since=" + encodeURIComponent(revision()), {
        headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store",
      });
      if (response.status === 401) { setStatus("login"); return; }
      if (response.headers.get("HX-Refresh")) { window.location.reload(); return; }
      if (response.ok) {
        setStatus(outbox().length ? "pending" : "ok");
        onPollOk();
        if (response.status === 200) applyUpdates(await response.text());
      }
    } catch (error) {
      setStatus("offline");
    } finally {
      polling = false;
    }
  }
  setInterval(poll, POLL_MS);
  highlightActive();

  if (!editable) return; // the projector and read-only boards stop here

  // ----------------------------------------------------------------------------------
  // Outbox of new entries

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

  function showPendingDrafts() {
    for (const draft of outbox()) {
      const list = pendingList(draft.section);
      if (!list) continue;
      let item = list.querySelector('[data-draft="' + draft.key + '"]');
      if (!item) {
        item = document.createElement("li");
        item.dataset.draft = draft.key;
        item.className = "entry entry--pending";
        const text = document.createElement("span");
        text.className = "entry__text";
        const badge = document.createElement("span");
        badge.className = "pending-badge";
        const retry = document.createElement("button");
        retry.type = "button";
        retry.className = "link-button";
        retry.textContent = t("retry");
        retry.addEventListener("click", () => retryNow(draft.key));
        const edit = document.createElement("button");
        edit.type = "button";
        edit.className = "link-button";
        edit.textContent = t("back_to_input");
        edit.addEventListener("click", () => backToInput(draft.key));
        item.append(badge, " ", text, " ", retry, " ", edit);
        list.append(item);
      }
      item.querySelector(".entry__text").textContent = draft.text;
      item.querySelector(".pending-badge").textContent = draft.error || (draft.sending ? t("saving") : t("not_saved"));
    }
    document.querySelectorAll(".pending-entries li[data-draft]").forEach((item) => {
      if (!outbox().some((d) => d.key === item.dataset.draft)) item.remove();
    });
  }

  function backToInput(key) {
    const draft = outbox().find((d) => d.key === key);
    if (!draft || key === inFlight) return; // being sent: its answer decides
    const form = document.getElementById("add-" + draft.section);
    if (!form) return;
    const input = form.querySelector("textarea[name=text]");
    input.value = draft.text + (input.value ? "\n" + input.value : "");
    dropDraft(key);
    showPendingDrafts();
    input.focus();
  }

  async function refreshToken() {
    try {
      const response = await fetch("/csrf-token", { credentials: "same-origin", cache: "no-store" });
      if (response.ok) csrfToken = (await response.json()).token;
    } catch (e) { /* offline: the next retry tries again */ }
  }

  // Drafts are sent one at a time, oldest first, so that entries reach the server in the
  // order they were typed (sent all at once, the later one could be stored first). A draft
  // the server refused stays in the outbox with its message and does not hold up the others.
  const sendable = (d) => !d.error || d.error === t("not_saved_login");
  let flushing = false; // the loop below is running
  let inFlight = null; // key of the draft being sent
  let retryTimer = null;
  let attempts = 0; // failed rounds in a row (backoff)
  let lastFailure = null;

  function scheduleRetry(reason) {
    lastFailure = reason;
    attempts += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => { retryTimer = null; flush(); },
      Math.min(30000, 1000 * 2 ** Math.min(attempts, 5)));
  }

  async function flush() {
    if (flushing) return; // the running loop picks up whatever was added meanwhile
    flushing = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    try {
      for (let draft = outbox().find(sendable); draft; draft = outbox().find(sendable)) {
        const outcome = await send(draft);
        if (outcome === "token") attempts = 0; // a fresh token: retry soon
        if (outcome !== "saved" && outcome !== "refused") { scheduleRetry(outcome); return; }
        attempts = 0;
        lastFailure = null;
      }
    } finally {
      flushing = false;
    }
  }

  // Sends one draft; answers "saved", "refused", or why to retry: "offline", "login",
  // "token" (the session was renewed), "error".
  async function send(draft) {
    const key = draft.key;
    const form = document.getElementById("add-" + draft.section) || document.querySelector("form.add-entry");
    if (!form) return "error";
    inFlight = key;
    updateDraft(key, { sending: true, error: draft.error === t("not_saved_login") ? draft.error : null });
    showPendingDrafts();
    const body = new FormData();
    body.append("csrf_token", csrfToken);
    body.append("section_id", draft.section);
    body.append("parent_id", draft.parent || "");
    body.append("kind", draft.kind || "");
    body.append("text", draft.text);
    body.append("client_key", key);
    body.append("typed_by", userId); // the outbox is this person's (the server checks it)
    body.append("since", revision());
    try {
      const response = await fetch(form.action, {
        method: "POST", body, credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": csrfToken },
      });
      if (response.ok) {
        const html = await response.text();
        dropDraft(key);
        applyUpdates(html);
        announce(t("saved"));
        setStatus(outbox().length ? "pending" : "ok");
        return "saved";
      }
      if (response.status === 401) {
        updateDraft(key, { sending: false, error: t("not_saved_login") });
        setStatus("login");
        return "login";
      }
      if (response.status === 400) { // the security token ended with the session
        updateDraft(key, { sending: false });
        await refreshToken();
        return "token";
      }
      if (response.status === 422 || response.status === 403 || response.status === 404) {
        const message = new DOMParser().parseFromString(await response.text(), "text/html").body.textContent.trim();
        updateDraft(key, { sending: false, error: t("refused") + " " + message });
        return "refused";
      }
      updateDraft(key, { sending: false });
      setStatus("pending");
      return "error";
    } catch (error) { // network down
      updateDraft(key, { sending: false });
      setStatus("offline");
      return "offline";
    } finally {
      inFlight = null;
      showPendingDrafts();
    }
  }

  function retryNow(key) {
    updateDraft(key, { error: null });
    attempts = 0;
    flush();
  }
  window.addEventListener("online", () => { attempts = 0; flush(); });
  // A poll got through (the network, or the login, is back) while drafts wait: send them now,
  // not after the backoff.
  onPollOk = () => {
    if ((lastFailure === "offline" || lastFailure === "login") && retryTimer && !flushing) {
      attempts = 0;
      flush();
    }
  };

  // ----------------------------------------------------------------------------------
  // The add forms

  const TYPING = "consult-typing-" + userId + "-" + meetingId + "-";

  function setParent(form, entryId, label) {
    form.querySelector("input[name=parent_id]").value = entryId || "";
    const slot = form.querySelector("[data-parent-label]");
    slot.textContent = entryId ? " " + t("subpoint_of", label) : "";
  }

  function submitDraft(form) {
    const input = form.querySelector("textarea[name=text]");
    const text = input.value.trim();
    if (!text) return;
    const kind = (form.querySelector("input[name=kind]:checked") || {}).value || "";
    const draft = {
      key: newKey(), section: form.dataset.section, parent: form.querySelector("input[name=parent_id]").value,
      kind, text, created: Date.now(),
    };
    saveOutbox([...outbox(), draft]);
    input.value = "";
    localStorage.removeItem(TYPING + form.dataset.section);
    showPendingDrafts();
    flush();
  }

  // Tab: a sub-point of the last entry at the current level; Shift+Tab: one level up.
  function entriesAtLevel(form) {
    const parentId = form.querySelector("input[name=parent_id]").value;
    const list = document.getElementById("entries-" + form.dataset.section);
    if (!list) return [];
    const container = parentId ? list.querySelector("#entry-" + parentId + " > ul.subpoints") : list;
    return container ? [...container.children].filter((li) => li.matches("li[data-entry]")) : [];
  }

  function indentDraft(form) {
    const parentId = form.querySelector("input[name=parent_id]").value;
    const list = document.getElementById("entries-" + form.dataset.section);
    let candidates;
    if (!parentId) candidates = [...list.children].filter((li) => li.matches("li[data-entry]"));
    else {
      const sub = list.querySelector("#entry-" + parentId + " > ul.subpoints");
      candidates = sub ? [...sub.children] : [];
    }
    const last = candidates[candidates.length - 1];
    if (!last) return false;
    const number = numberOf(last);
    if (number.split(".").length >= Number(board.dataset.maxDepth || 6)) {
      announce(t("max_depth")); // the server would refuse it: say so now, and stay here
      return true;
    }
    setParent(form, last.dataset.entry, number);
    return true;
  }

  function outdentDraft(form) {
    const parentId = form.querySelector("input[name=parent_id]").value;
    if (!parentId) return false;
    const parent = document.getElementById("entry-" + parentId);
    const grand = parent && parent.parentElement.closest("li[data-entry]");
    setParent(form, grand ? grand.dataset.entry : "", grand ? numberOf(grand) : "");
    return true;
  }

  function numberOf(li) {
    const parts = [];
    let item = li;
    while (item) {
      parts.unshift([...item.parentElement.children].filter((x) => x.matches("li[data-entry]")).indexOf(item) + 1);
      item = item.parentElement.closest("li[data-entry]");
    }
    return parts.join(".");
  }

  function setKind(form, index) {
    const radio = form.querySelector('input[name=kind][value="' + KINDS[index] + '"]');
    if (radio) radio.checked = true;
  }

  let lastFocusSection = null;
  function reportFocus(sectionId) {
    if (sectionId === lastFocusSection) return;
    lastFocusSection = sectionId;
    const url = board.dataset.focusUrl;
    htmx.ajax("POST", url, { values: { section_id: sectionId }, swap: "none", source: board }).catch(() => {});
  }

  board.addEventListener("submit", (event) => {
    const form = event.target.closest("form.add-entry");
    if (!form) return;
    event.preventDefault();
    submitDraft(form);
  });

  board.addEventListener("input", (event) => {
    const form = event.target.closest("form.add-entry");
    if (form) localStorage.setItem(TYPING + form.dataset.section, event.target.value);
  });

  board.addEventListener("focusin", (event) => {
    const form = event.target.closest("form.add-entry");
    if (form) reportFocus(form.dataset.section);
  });

  // htmx binds the hx- attributes of swapped-in content only when it settles (some ms after
  // the swap); a key pressed before that would click a plain link or do nothing. Bind first.
  const ready = (element) => { htmx.process(element); return element; };

  board.addEventListener("keydown", (event) => {
    const target = event.target;
    const addForm = target.closest("form.add-entry");
    const editor = target.closest(".entry-editor");
    const item = target.matches("li[data-entry]") ? target : null;
    if (event.isComposing) return;

    if (addForm && target.name === "text") {
      if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        submitDraft(addForm);
      } else if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey) {
        if (indentDraft(addForm)) event.preventDefault();
      } else if (event.key === "Tab" && event.shiftKey) {
        if (outdentDraft(addForm)) event.preventDefault();
      } else if (event.altKey && ["1", "2", "3", "4"].includes(event.key)) {
        event.preventDefault();
        setKind(addForm, Number(event.key) - 1);
      } else if (event.key === "ArrowUp" && !target.value) {
        const items = document.querySelectorAll("#entries-" + addForm.dataset.section + " li[data-entry]");
        if (items.length) { event.preventDefault(); items[items.length - 1].focus(); }
      }
      return;
    }

    if (editor && target.name === "text") {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        htmx.trigger(ready(editor), "submit");
      } else if (event.key === "Escape") {
        event.preventDefault();
        const cancel = editor.querySelector("[data-action=cancel-edit]");
        const entryId = editor.dataset.entry;
        const li = document.getElementById("entry-" + entryId);
        if (cancel) {
          if (li) refocus = { from: li, to: () => document.getElementById("entry-" + entryId) };
          ready(cancel).click();
        }
      }
      return;
    }

    if (item) {
      const click = (action) => {
        const control = item.querySelector(':scope > form [data-action="' + action + '"]');
        if (control) { event.preventDefault(); ready(control).click(); return true; }
        return false;
      };
      const siblings = [...item.closest("ol.board-entries").querySelectorAll("li[data-entry]")];
      const index = siblings.indexOf(item);
      if (event.altKey && event.key === "ArrowUp") click("up");
      else if (event.altKey && event.key === "ArrowDown") click("down");
      else if (event.altKey && ["1", "2", "3", "4"].includes(event.key)) {
        event.preventDefault();
        const url = item.querySelector(":scope > form").getAttribute("action").replace(/\/edit$/, "/kind");
        htmx.ajax("POST", url, { values: { kind: KINDS[Number(event.key) - 1] }, swap: "none", source: item }).catch(() => {});
      } else if (event.key === "ArrowUp") { event.preventDefault(); if (index > 0) siblings[index - 1].focus(); }
      else if (event.key === "ArrowDown") {
        event.preventDefault();
        if (index < siblings.length - 1) siblings[index + 1].focus();
        else { const input = document.getElementById("add-text-" + item.closest("ol").dataset.section); if (input) input.focus(); }
      } else if (event.key === "Tab" && !event.shiftKey) click("indent");
      else if (event.key === "Tab" && event.shiftKey) click("outdent");
      else if (event.key === "Enter" || event.key === "F2") click("edit");
      else if (event.key === "Delete") {
        const next = siblings[index + 1] || siblings[index - 1];
        const nextId = next ? next.dataset.entry : null;
        const sectionId = item.closest("ol").dataset.section;
        refocus = { from: item, to: () => (nextId && document.getElementById("entry-" + nextId))
          || document.getElementById("add-text-" + sectionId) };
        if (!click("delete")) refocus = null;
      } else if (event.key === "Escape") {
        event.preventDefault();
        const input = document.getElementById("add-text-" + item.closest("ol").dataset.section);
        if (input) input.focus();
      }
    }
  });

  // Ctrl+Z right after a delete restores the entry.
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && !event.target.closest("textarea, input")) {
      const undo = document.querySelector("#board-messages form[data-undo]");
      if (undo) { event.preventDefault(); htmx.trigger(ready(undo), "submit"); }
    }
  });

  // When an editor opens, put the cursor in it.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    const textarea = target && target.querySelector ? target.querySelector(".entry-editor textarea") : null;
    if (textarea) { textarea.focus(); textarea.setSelectionRange(textarea.value.length, textarea.value.length); }
  });

  // Restore what was being typed before a reload, then send what is still unsent.
  document.querySelectorAll("form.add-entry").forEach((form) => {
    const typed = localStorage.getItem(TYPING + form.dataset.section);
    if (typed) form.querySelector("textarea[name=text]").value = typed;
  });
  saveOutbox(outbox().map((d) => ({ ...d, sending: false }))); // a reload cut those off
  showPendingDrafts();
  flush();
})();
