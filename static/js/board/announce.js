/* What the board says in its live regions.
 *
 * - #board-announcer: what others changed, politely, for screen readers: each new or changed
 *   entry with its section (three at most; more are summed up as "the board was updated").
 * - #sync-status: whether this page's entries are saved ("not saved yet", offline, the
 *   session has ended — with a link to log in again in a new window).
 */
import { config, t } from "./state.js";
import { pendingCount } from "./store.js";

export function announce(text) {
  const box = document.getElementById("board-announcer");
  if (box) { box.textContent = ""; setTimeout(() => { box.textContent = text; }, 50); }
}

// The entries the page shows: the id of each <li> → its version (what announceChanges
// compares with).
export function entriesShown() {
  const shown = new Map();
  document.querySelectorAll("li[data-entry]").forEach((li) => {
    shown.set(li.id, li.dataset.version || "1"); // version 1 is not written out
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

// Announces what an update changed, given entriesShown() from before it.
export function announceChanges(before) {
  const added = [];
  const changed = [];
  let removed = 0;
  const after = entriesShown();
  after.forEach((version, id) => {
    if (!before.has(id)) added.push(id);
    else if (before.get(id) !== version) changed.push(id);
  });
  before.forEach((_version, id) => { if (!after.has(id)) removed += 1; });
  const entry = (id) => describe(document.getElementById(id));
  const lines = added.map((id) => t("announce_new", entry(id)))
    .concat(changed.map((id) => t("announce_changed", entry(id))));
  if (removed) lines.push(t("announce_removed", removed));
  if (lines.length > 3) announce(t("announce_many"));
  else if (lines.length) announce(lines.join(" "));
}

// kind: "ok", "pending", "offline" or "login".
export function showStatus(kind) {
  const box = document.getElementById("sync-status");
  if (!box) return;
  const pending = pendingCount();
  const texts = {
    ok: pending ? t("pending", pending) : "",
    pending: t("pending", pending),
    offline: t("offline", pending),
    login: t("login", pending),
  };
  const text = texts[kind] || "";
  box.hidden = !text;
  box.className = "sync-status sync-status--" + kind;
  if (box.dataset.text === text) return;
  box.dataset.text = text;
  box.innerHTML = "";
  box.append(document.createTextNode(text + " "));
  if (kind === "login" && config.urls.login) {
    const link = document.createElement("a");
    link.href = config.urls.login; // rendered with ?next= this board
    link.target = "_blank";
    link.textContent = t("login_link");
    box.append(link);
  }
}
