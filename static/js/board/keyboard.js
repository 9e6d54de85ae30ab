/* The board's keyboard (editable boards); the help on the board lists it.
 *
 * In an add form's input: Enter saves, Shift+Enter starts a new line, Tab writes a sub-point
 * of the last entry at the current level, Shift+Tab goes one level up, Alt+1… chooses the
 * kind, ↑ in an empty input goes to the entries. In an editor: Enter saves, Esc cancels. On
 * an entry: ↑ ↓ move between entries, Alt+↑ / Alt+↓ move it, Alt+1… set its kind, Tab /
 * Shift+Tab indent / outdent it, Enter or F2 edit it, Delete deletes it, Esc goes back to
 * the input. Ctrl+Z right after a delete restores the entry.
 */
import { config, t } from "./state.js";
import { announce } from "./announce.js";
import { entryElement, entryId, refocusAfterSwap } from "./focus.js";
import { submitDraft } from "./outbox.js";
import { act, numberOf } from "./toolbar.js";
import { undoForm } from "./undo.js";

// htmx binds the hx- attributes of swapped-in content only when it settles (some ms after
// the swap); a key pressed before that would click a plain link or do nothing. Bind first.
const ready = (element) => { htmx.process(element); return element; };

// Alt+1…: the entry kind of that number (in the order of the add form), or null.
function kindOfKey(event) {
  if (!event.altKey || !/^[1-9]$/.test(event.key)) return null;
  return config.kinds[Number(event.key) - 1] || null;
}

const addInput = (sectionId) => document.getElementById("add-text-" + sectionId);
const parentInput = (form) => form.querySelector("input[name=parent_id]");

// The draft becomes a sub-point of that entry (or, with none, a numbered entry) and takes
// its kind: a sub-point of an idea is an idea (the section's own kind at the top level).
function setParent(form, entryId) {
  const parent = entryId ? entryElement(entryId) : null;
  parentInput(form).value = parent ? entryId : "";
  const kinds = [...form.querySelectorAll("input[name=kind]")];
  const kind = parent ? kinds.find((r) => r.value === parent.dataset.kind) : kinds.find((r) => r.defaultChecked);
  if (kind) kind.checked = true;
  showParent(form, parent);
}

function showParent(form, parent) {
  const slot = form.querySelector("[data-parent-label]");
  const text = parent ? " " + t("subpoint_of", numberOf(parent)) : "";
  if (slot.textContent !== text) slot.textContent = text;
}

// After every swap: the label of a sub-point's input names its entry's number as it is now
// (entries above it may have come or gone); when that entry is gone, the input writes
// numbered entries again.
export function refreshDrafts() {
  document.querySelectorAll("form.add-entry").forEach((form) => {
    const parentId = parentInput(form).value;
    if (!parentId) return;
    if (entryElement(parentId)) showParent(form, entryElement(parentId));
    else setParent(form, "");
  });
}

// Tab in the input: the draft becomes a sub-point of the last entry at its level.
function indentDraft(form) {
  const parentId = parentInput(form).value;
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
  if (number.split(".").length >= config.maxDepth) {
    announce(t("max_depth")); // the server would refuse it: say so now, and stay here
    return true;
  }
  setParent(form, entryId(last));
  return true;
}

// Shift+Tab in the input: one level up.
function outdentDraft(form) {
  const parentId = parentInput(form).value;
  if (!parentId) return false;
  const parent = entryElement(parentId);
  const grand = parent && parent.parentElement.closest("li[data-entry]");
  setParent(form, grand ? entryId(grand) : "");
  return true;
}

function onAddInput(event, form) {
  const kind = kindOfKey(event);
  if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
    event.preventDefault();
    submitDraft(form);
  } else if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey) {
    if (indentDraft(form)) event.preventDefault();
  } else if (event.key === "Tab" && event.shiftKey) {
    if (outdentDraft(form)) event.preventDefault();
  } else if (kind) {
    event.preventDefault();
    const radio = form.querySelector('input[name=kind][value="' + kind + '"]');
    if (radio) radio.checked = true;
  } else if (event.key === "ArrowUp" && !event.target.value) {
    const items = document.querySelectorAll("#entries-" + form.dataset.section + " li[data-entry]");
    if (items.length) { event.preventDefault(); items[items.length - 1].focus(); }
  }
}

function onEditorInput(event, editor) {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    htmx.trigger(ready(editor), "submit");
  } else if (event.key === "Escape") {
    event.preventDefault();
    const cancel = editor.querySelector("[data-action=cancel-edit]");
    const editedId = editor.dataset.entry;
    const li = entryElement(editedId);
    if (cancel) {
      if (li) refocusAfterSwap(li, () => entryElement(editedId));
      ready(cancel).click();
    }
  }
}

function onEntry(event, item) {
  const run = (action, how) => { event.preventDefault(); act(item, action, how); };
  const siblings = [...item.closest("ol.board-entries").querySelectorAll("li[data-entry]")];
  const index = siblings.indexOf(item);
  const sectionId = item.closest("ol").dataset.section;
  const kind = kindOfKey(event);
  const isSubpoint = Boolean(item.parentElement.closest("li[data-entry]"));
  if (event.altKey && event.key === "ArrowUp") run("up");
  else if (event.altKey && event.key === "ArrowDown") run("down");
  else if (kind) run("kind", { kind });
  else if (event.key === "ArrowUp") { event.preventDefault(); if (index > 0) siblings[index - 1].focus(); }
  else if (event.key === "ArrowDown") {
    event.preventDefault();
    if (index < siblings.length - 1) siblings[index + 1].focus();
    else { const input = addInput(sectionId); if (input) input.focus(); }
  } else if (event.key === "Tab" && !event.shiftKey) run("indent");
  else if (event.key === "Tab" && event.shiftKey) { if (isSubpoint) run("outdent"); }
  else if (event.key === "Enter" || event.key === "F2") run("edit");
  else if (event.key === "Delete") {
    const next = siblings[index + 1] || siblings[index - 1];
    const nextId = next ? entryId(next) : null;
    refocusAfterSwap(item, () => (nextId && entryElement(nextId)) || addInput(sectionId));
    run("delete", { byKeyboard: true });
  } else if (event.key === "Escape") {
    event.preventDefault();
    const input = addInput(sectionId);
    if (input) input.focus();
  }
}

function onBoardKey(event) {
  const target = event.target;
  if (event.isComposing) return;
  const addForm = target.closest("form.add-entry");
  if (addForm && target.name === "text") return onAddInput(event, addForm);
  const editor = target.closest(".entry-editor");
  if (editor && target.name === "text") return onEditorInput(event, editor);
  if (target.matches("li[data-entry]")) onEntry(event, target);
}

// Ctrl+Z right after a delete restores the entry (the Undo form in the entry's place).
function onUndoKey(event) {
  if ((event.ctrlKey || event.metaKey) && event.key === "z" && !event.target.closest("textarea, input")) {
    const undo = undoForm();
    if (undo) { event.preventDefault(); htmx.trigger(ready(undo), "submit"); }
  }
}

export function start() {
  config.board.addEventListener("keydown", onBoardKey);
  document.addEventListener("keydown", onUndoKey);
}
