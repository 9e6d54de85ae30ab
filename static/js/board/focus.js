/* The keyboard focus across swaps, and the section being written in.
 *
 * An htmx swap that replaces the entry having the focus (or the editor in it) would leave
 * the focus on the page's body: it goes back to the same entry anew, or where a deletion
 * sends it, unless the swap itself kept the focus somewhere. An editor that opens gets the
 * cursor, at the end of its text. The section whose input has the focus is reported to the
 * server (the projector highlights it). The board opens with the input of the section being
 * written in sight.
 */
import { config, state } from "./state.js";

export const entryElement = (id) => document.getElementById("entry-" + id);
// An entry's id: an entry's <li> is "entry-<id>" (its data-entry has no value, to keep a big
// board small); the other elements that name an entry carry it in data-entry.
export const entryId = (element) => element.dataset.entry || element.id.slice("entry-".length);

// Once `from` has been replaced by a swap, the focus goes to `to()`.
export function refocusAfterSwap(from, to) {
  state.refocus = { from, to };
}

export function cancelRefocus() {
  state.refocus = null;
}

// An entries list is about to be replaced: the focused entry in it gets the focus back.
export function keepFocusIn(list) {
  const focused = document.activeElement && document.activeElement.closest("li[data-entry]");
  if (focused && list.contains(focused) && !(state.refocus && state.refocus.from === focused)) {
    refocusAfterSwap(focused, () => entryElement(entryId(focused)));
  }
}

// After every swap.
export function restoreFocus() {
  const refocus = state.refocus;
  if (!refocus || refocus.from.isConnected) return;
  const target = refocus.to();
  state.refocus = null;
  const active = document.activeElement;
  if (target && (!active || active === document.body)) target.focus();
}

// After every swap and every entry sent: the input being written stays in view as its
// section grows above it (what was added pushes it down), without moving a page that
// shows it already.
export function keepInputInView() {
  const active = document.activeElement;
  const form = active && active.matches("form.add-entry textarea") ? active.closest("form") : null;
  if (!form) return;
  const box = form.getBoundingClientRect();
  if (box.bottom > window.innerHeight || box.top < 0) form.scrollIntoView({ block: "nearest" });
}

// After a swap into `target`: when it brought an entry's editor, put the cursor in it.
export function focusOpenedEditor(target) {
  const textarea = target && target.querySelector ? target.querySelector(".entry-editor textarea") : null;
  if (textarea) { textarea.focus(); textarea.setSelectionRange(textarea.value.length, textarea.value.length); }
}

function reportFocus(sectionId) {
  if (sectionId === state.reportedSection) return;
  state.reportedSection = sectionId;
  htmx.ajax("POST", config.urls.focus, { values: { section_id: sectionId }, swap: "none", source: config.board })
    .catch(() => {});
}

// On opening the board (not at an address's #anchor): the input of the section being written
// (the one the page's "go to the input" link names) in the middle of the first screen.
function bringInputIntoView() {
  const link = config.board.querySelector("a[data-jump-to-input]");
  const input = link && !location.hash && document.getElementById(link.hash.slice(1));
  if (input) input.scrollIntoView({ block: "center" });
}

export function start() {
  bringInputIntoView();
  config.board.addEventListener("focusin", (event) => {
    const form = event.target.closest("form.add-entry");
    if (form) reportFocus(form.dataset.section);
  });
}
