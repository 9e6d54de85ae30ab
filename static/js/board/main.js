/* consult — the live capture board and the projector (entry point, a native ES module).
 *
 * Reads the board's configuration from the data-* attributes of its root element
 * (state.js), then wires the modules to the page's events:
 * - sync.js: polls the revision, applies the updates the server sends;
 * - announce.js: the live regions (what others changed, whether entries are saved);
 * - focus.js: the focus across swaps, the section being written in;
 * - outbox.js and store.js: new entries kept in localStorage until the server has them;
 * - toolbar.js: the entries' one toolbar, on the entry under the pointer or the focus;
 * - keyboard.js: the board's keys (the same actions as the toolbar);
 * - undo.js: Undo of a deletion, in the deleted entry's place.
 * The projector and read-only boards only follow (sync, announce, focus after swaps).
 * Without these modules every action still works as a plain form.
 */
import { config, readConfig, state } from "./state.js";
import { forgetOwnerlessOutbox } from "./store.js";
import * as sync from "./sync.js";
import * as focus from "./focus.js";
import * as outbox from "./outbox.js";
import * as keyboard from "./keyboard.js";
import * as toolbar from "./toolbar.js";
import * as undo from "./undo.js";

function afterEverySwap() {
  if (config.editable) toolbar.focusable(); // new entries can take the focus back
  focus.restoreFocus();
  if (config.editable) {
    undo.afterSwap(); toolbar.afterSwap(); keyboard.refreshDrafts(); outbox.showPendingDrafts();
    focus.keepInputInView();
  }
}

function start(board) {
  readConfig(board);
  forgetOwnerlessOutbox();
  const body = document.body;
  body.addEventListener("htmx:configRequest", sync.configureRequest);
  body.addEventListener("htmx:beforeSwap", (event) => { state.answering = event.detail.elt; });
  body.addEventListener("htmx:oobBeforeSwap", sync.beforeOobSwap);
  body.addEventListener("htmx:oobAfterSwap", (event) => { sync.afterOobSwap(event); afterEverySwap(); });
  body.addEventListener("htmx:afterSwap", (event) => {
    afterEverySwap();
    if (config.editable) focus.focusOpenedEditor(event.detail.target); // an editor opened
  });
  body.addEventListener("htmx:afterRequest", sync.afterRequest);
  if (config.editable) body.addEventListener("htmx:afterRequest", undo.afterRequest);
  body.addEventListener("htmx:sendError", sync.offline);
  sync.start();
  if (!config.editable) return;
  focus.start();
  toolbar.start(board);
  keyboard.start();
  outbox.start(); // last: it sends what is still unsent
}

const board = document.querySelector(".board[data-meeting]");
if (board && window.htmx) start(board);
