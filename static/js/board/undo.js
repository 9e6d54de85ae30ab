/* Undo of a deletion, where the entry was.
 *
 * The answer to a delete brings the Undo form in the hidden #board-undo (and says in
 * #board-messages what was deleted). It is put in the entry's place, as an item of its list:
 * after the live entry that came before it, or first. It stays there across the board's
 * updates (a list replaced by one comes back with it) until it is used or stale: the entry is
 * on the page again (restored here or by someone else), its list is gone (the section was
 * deleted), the restore was refused, or another deletion offers its own Undo.
 */
import { entryElement, entryId } from "./focus.js";

// The offered undo: { id, sectionId, parentId, afterId, item (the <li>) }, or null.
let offered = null;
// What the delete being sent is about to remove: { id, sectionId, parentId, afterId, byClick }.
let deleting = null;

function place(entry) {
  const parent = entry.parentElement.closest("li[data-entry]");
  let before = entry.previousElementSibling;
  while (before && !before.matches("li[data-entry]")) before = before.previousElementSibling;
  return {
    id: entryId(entry),
    sectionId: entry.closest("ol.board-entries").dataset.section,
    parentId: parent ? entryId(parent) : null,
    afterId: before ? entryId(before) : null,
  };
}

// toolbar.js, as it sends a deletion: where the entry is, and whether Undo takes the focus
// when it comes (a click: yes; the Delete key: the focus stays on the entries).
export function deletingFrom(li, byClick) {
  deleting = { ...place(li), byClick };
}

function list(spot) {
  if (!spot.parentId) return document.getElementById("entries-" + spot.sectionId);
  const parent = entryElement(spot.parentId);
  if (!parent) return null;
  let sub = parent.querySelector(":scope > ul.subpoints");
  if (!sub) {
    sub = document.createElement("ul");
    sub.className = "subpoints";
    parent.append(sub);
  }
  return sub;
}

function drop() {
  if (offered && offered.item.isConnected) {
    const sub = offered.item.parentElement;
    offered.item.remove();
    if (sub.matches("ul.subpoints") && !sub.children.length) sub.remove();
  }
  offered = null;
}

// After every swap: take a new Undo form from #board-undo, keep the offered one in place.
export function afterSwap() {
  const holder = document.getElementById("board-undo");
  const form = holder && holder.querySelector("form[data-undo]");
  let focusIt = false;
  if (form) {
    const spot = deleting && deleting.id === form.dataset.entry ? deleting : null;
    drop();
    holder.replaceChildren();
    if (spot) {
      const item = document.createElement("li");
      item.className = "entry-undo";
      item.dataset.undoFor = spot.id;
      item.append(form);
      offered = { ...spot, item };
      focusIt = spot.byClick;
    }
    deleting = null;
  }
  if (!offered) return;
  if (entryElement(offered.id)) { drop(); return; } // back on the page
  if (!offered.item.isConnected) {
    const into = list(offered);
    if (!into) { offered = null; return; } // its list is gone
    const after = offered.afterId && entryElement(offered.afterId);
    if (after && after.parentElement === into) after.after(offered.item);
    else into.prepend(offered.item);
    htmx.process(offered.item);
  }
  if (focusIt) offered.item.querySelector("button").focus();
}

// After a request: a restore that was refused leaves nothing to undo.
export function afterRequest(event) {
  const elt = event.detail.elt;
  if (offered && elt && offered.item.contains(elt) && !event.detail.successful) drop();
}

// Ctrl+Z: the offered undo, if any.
export function undoForm() {
  return offered && offered.item.isConnected ? offered.item.querySelector("form[data-undo]") : null;
}
