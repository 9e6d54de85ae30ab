/* Live updates of the board and the projector.
 *
 * Polls the board's revision every POLL_MS ("nothing changed" is a 204) and applies the
 * out-of-band updates the server sends, in answer to a poll or to this page's own request.
 * An entries list that holds an open editor is never replaced (the revision is then not
 * advanced, so the update comes again later). Every htmx request of the board carries the
 * revision it has seen and the session's token.
 */
import { config, state, boardState, revision } from "./state.js";
import { announceChanges, entriesShown, showStatus } from "./announce.js";
import { keepFocusIn } from "./focus.js";
import { pendingCount } from "./store.js";

export const POLL_MS = 1000;
// Dispatched on the board when a poll got through (the network, or the login, is back).
export const REACHABLE = "consult:reachable";

export function applyUpdates(html) {
  state.deferred = false;
  const before = entriesShown();
  htmx.swap(document.body, html, { swapStyle: "none" });
  announceChanges(before);
}

export function highlightActive() {
  const active = boardState().dataset.active;
  document.querySelectorAll(".board-section.is-active").forEach((s) => s.classList.remove("is-active"));
  const section = active && document.getElementById("section-" + active);
  if (!section) return;
  section.classList.add("is-active");
  if (config.projector) section.scrollIntoView({ behavior: "smooth", block: "center" });
}

// htmx:oobBeforeSwap — decides which parts of an update are swapped in.
export function beforeOobSwap(event) {
  const target = event.detail.target;
  const fragment = event.detail.fragment;
  const first = fragment && fragment.firstElementChild;
  // Entries added at the end of a list (not the list whole): safe beside an open editor.
  // An entry the page shows already (two answers may both bring it) is not added twice.
  if (first && first.matches && first.matches("li[data-entry], li.room-item:not(.room-item--undo)")) {
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
    if (editor && !(state.answering && editor.contains(state.answering))) {
      event.detail.shouldSwap = false;
      state.deferred = true;
      return;
    }
    keepFocusIn(target);
  }
  // A new part or section that this page already has (it made it itself).
  if (first && first.id && target.id !== first.id && document.getElementById(first.id)) {
    event.detail.shouldSwap = false;
    return;
  }
  // The revision: taken only when nothing was held back.
  if (target.id === "board-state") {
    const next = first && first.dataset ? first.dataset.rev : (fragment.dataset || {}).rev;
    if (state.deferred || next === "" || next === undefined) {
      const active = first && first.dataset ? first.dataset.active : null;
      event.detail.shouldSwap = false;
      if (active !== null) { target.dataset.active = active; highlightActive(); }
    }
  }
}

// htmx:oobAfterSwap
export function afterOobSwap(event) {
  const el = event.detail && event.detail.target;
  if (el && el.id === "board-state") highlightActive();
}

// htmx:configRequest — the token on every request, the revision seen on every write.
export function configureRequest(event) {
  event.detail.headers["X-CSRFToken"] = state.csrfToken;
  if (event.detail.verb !== "get") {
    event.detail.parameters.since = revision();
    event.detail.parameters.csrf_token = state.csrfToken;
  }
}

// htmx:afterRequest
export function afterRequest(event) {
  state.answering = null;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  // A part or section added: its form is empty again for the next one, without the
  // messages of an earlier try (without JavaScript the redirect shows a fresh form); a
  // refused one keeps what was typed.
  const form = event.detail.elt;
  if (event.detail.successful && form instanceof HTMLFormElement && form.closest(".add-part, .add-section")) {
    form.reset(); // and empty: a form that came back refused has what was typed as defaults
    form.querySelectorAll("input[type=text], textarea").forEach((c) => { c.value = ""; });
    form.querySelectorAll("select").forEach((c) => { c.selectedIndex = 0; });
    form.querySelectorAll("p.error").forEach((p) => p.remove());
    form.querySelectorAll(".field--error").forEach((f) => f.classList.remove("field--error"));
    form.querySelectorAll("[aria-invalid]").forEach((c) => {
      c.removeAttribute("aria-invalid");
      const described = (c.getAttribute("aria-describedby") || "").replace(/\S+-error/, "").trim();
      if (described) c.setAttribute("aria-describedby", described);
      else c.removeAttribute("aria-describedby");
    });
  }
  if (status === 401) showStatus("login");
  else if (status === 0) showStatus("offline");
  if (state.deferred) poll();
}

async function poll() {
  if (state.polling || !config.urls.changes) return;
  state.polling = true;
  try {
    const url = new URL(config.urls.changes, location.href);
    url.searchParams.set("since", revision());
    const response = await fetch(url, {
      headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store",
    });
    if (response.status === 401) { showStatus("login"); return; }
    if (response.headers.get("HX-Refresh")) { window.location.reload(); return; }
    if (response.ok) {
      showStatus(pendingCount() ? "pending" : "ok");
      config.board.dispatchEvent(new Event(REACHABLE));
      if (response.status === 200) applyUpdates(await response.text());
    }
  } catch (error) {
    showStatus("offline");
  } finally {
    state.polling = false;
  }
}

// htmx:sendError
export const offline = () => showStatus("offline");

export function start() {
  setInterval(poll, POLL_MS);
  highlightActive();
}
