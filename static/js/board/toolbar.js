/* The entries' one toolbar (editable boards).
 *
 * An entry on the page is its text and one link to its actions (the page of plain forms
 * without this script). The toolbar (#entry-toolbar, rendered once by the server with the
 * URLs and labels of every action) is shown on the entry under the pointer or having the
 * focus: it moves into that entry and takes its number in its labels. Choosing the link
 * puts the focus on the toolbar's first button; Esc in the toolbar goes back to the entry.
 * The keys on an entry (keyboard.js) run the same actions through act().
 */
import { entryElement, entryId } from "./focus.js";
import { deletingFrom } from "./undo.js";

let toolbar = null; // #entry-toolbar
let urls = {};
let slot = "";
let current = null; // the entry <li> the toolbar is on
let home = null; // where it waits while on no entry (the board)

// The number an entry shows ("2.1.3"): its place among the live entries of each level.
export function numberOf(li) {
  const parts = [];
  let item = li;
  while (item) {
    parts.unshift([...item.parentElement.children].filter((x) => x.matches("li[data-entry]")).indexOf(item) + 1);
    item = item.parentElement.closest("li[data-entry]");
  }
  return parts.join(".");
}

const urlOf = (action, li) => urls[action].replace(slot, entryId(li));
const label = (element, number) => element.dataset.label.replace("%(n)d", number);

// Runs an entry's action; `how` (delete): { byKeyboard } — the focus then stays on the entries.
export function act(li, action, how = {}) {
  if (action === "edit") {
    return htmx.ajax("GET", urlOf("edit", li), {
      source: li, target: "#" + li.id + " > .entry__body", swap: "innerHTML",
    }).catch(() => {});
  }
  let values = {};
  let path;
  if (action === "up" || action === "down") { path = urlOf("move", li); values = { direction: action }; }
  else if (action === "kind") { path = urlOf("kind", li); values = { kind: how.kind }; }
  else path = urlOf(action, li);
  if (action === "delete") deletingFrom(li, !how.byKeyboard);
  return htmx.ajax("POST", path, { source: li, values, swap: "none" }).catch(() => {});
}

function attach(li) {
  if (!li) { detach(); return; }
  if (current === li && toolbar.parentElement === li) return;
  current = li;
  const number = numberOf(li);
  const isSubpoint = Boolean(li.parentElement.closest("li[data-entry]"));
  toolbar.setAttribute("aria-label", label(toolbar, number));
  toolbar.querySelectorAll("[data-action]").forEach((control) => {
    control.setAttribute("aria-label", label(control, number));
    if (control.tagName === "A") control.href = urlOf(control.dataset.action, li);
  });
  toolbar.querySelector("[data-action=outdent]").hidden = !isSubpoint;
  const menu = li.querySelector(":scope > a");
  (menu || li.querySelector(":scope > .entry__body")).after(toolbar);
  toolbar.hidden = false;
  li.classList.add("has-toolbar");
}

function detach() {
  if (current) current.classList.remove("has-toolbar");
  current = null;
  toolbar.hidden = true;
  if (toolbar.parentElement !== home) home.append(toolbar);
}

const usingToolbar = () => toolbar.contains(document.activeElement) && toolbar.querySelector(":focus-visible");
const entryOf = (node) => (node && node.closest ? node.closest("li[data-entry]") : null);
const focusedEntry = () => entryOf(document.activeElement);

function onPointer(event) {
  if (usingToolbar()) return; // the keyboard is in it: it stays
  const li = entryOf(event.target);
  if (li) attach(li);
}

function onLeave() {
  if (!usingToolbar()) attach(focusedEntry());
}

function onClick(event) {
  const menu = event.target.closest("li[data-entry] > a");
  const plainClick = event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey;
  if (menu && plainClick) { // the toolbar, instead of the page of forms
    event.preventDefault();
    attach(entryOf(menu));
    toolbar.querySelector("button:not([hidden])").focus();
    return;
  }
  const control = event.target.closest("#entry-toolbar button[data-action]");
  if (control && current) act(current, control.dataset.action); // a deletion's Undo takes the focus
}

function onKey(event) {
  if (event.key === "Escape" && toolbar.contains(event.target) && current) {
    event.preventDefault();
    event.stopPropagation();
    current.focus();
  }
}

// Entries are focus stops of the keys (not of Tab): set here, not sent with each of them.
export function focusable() {
  if (home) home.querySelectorAll("li[data-entry]:not([tabindex])").forEach((li) => { li.tabIndex = -1; });
}

// After every swap: an entry that was replaced gets the toolbar back in its new self.
export function afterSwap() {
  if (!toolbar) return;
  if (current && !current.isConnected) {
    const again = entryElement(entryId(current));
    current = null;
    attach(again && (again.matches(":hover") || again.contains(document.activeElement)) ? again : focusedEntry());
  } else if (!current && !toolbar.hidden) detach();
}

export function start(board) {
  toolbar = document.getElementById("entry-toolbar");
  if (!toolbar) return;
  home = board;
  focusable();
  urls = JSON.parse(toolbar.dataset.urls || "{}");
  slot = toolbar.dataset.slot;
  board.addEventListener("mouseover", onPointer);
  board.addEventListener("focusin", (event) => { if (!toolbar.contains(event.target)) onPointer(event); });
  board.addEventListener("mouseleave", onLeave);
  board.addEventListener("click", onClick);
  toolbar.addEventListener("keydown", onKey);
}
