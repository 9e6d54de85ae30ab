/* The board's configuration and its one state object.
 *
 * The configuration is read once from the data-* attributes of the board's root element:
 * every URL is rendered there by the server (url_for), and so are the entry kinds and the
 * deepest level of sub-points; nothing of them is typed here. What changes while the page
 * is open lives in `state`, and only there.
 */

export const config = {
  board: null, // the root element (.board[data-meeting])
  meetingId: "",
  userId: "", // the person the page was rendered for (their outbox, their typing)
  editable: false, // false: the projector and read-only boards (they only follow)
  projector: false,
  urls: { changes: "", focus: "", login: "", token: "" },
  kinds: [], // the entry kinds in the order of the add form (Alt+1…)
  maxDepth: Infinity, // levels of sub-points the server accepts
  i18n: {}, // what the board says to people, translated by the server
};

export const state = {
  csrfToken: "", // sent with every request; renewed when the session was
  deferred: false, // an update was held back this round (someone is editing)
  // The element whose own request's answer is being swapped in right now (an editor's save
  // may replace its own list; nothing else may while the editor is open or saving).
  answering: null,
  // The entry that had the focus (or the editor in it), until a swap has replaced it:
  // { from: that element, to: () => where the focus goes then }.
  refocus: null,
  polling: false, // a poll is out (a tick meanwhile is skipped)
  reportedSection: null, // the section last reported as the one being written in
  outbox: {
    flushing: false, // the sending loop is running
    inFlight: null, // key of the draft being sent
    retryTimer: null,
    attempts: 0, // failed rounds in a row (backoff)
    lastFailure: null, // why the last round stopped: "offline", "login", "token", "error"
  },
};

export function readConfig(board) {
  const data = board.dataset;
  Object.assign(config, {
    board,
    meetingId: data.meeting,
    userId: data.user || "",
    editable: data.editable === "true",
    projector: board.classList.contains("projector"),
    urls: {
      changes: data.changesUrl || "",
      focus: data.focusUrl || "",
      login: data.loginUrl || "",
      token: data.tokenUrl || "",
    },
    kinds: JSON.parse(data.kinds || "[]"),
    maxDepth: Number(data.maxDepth) || Infinity,
    i18n: JSON.parse(data.i18n || "{}"),
  });
  state.csrfToken = (document.querySelector('input[name="csrf_token"]') || {}).value || "";
  return config;
}

// A translated text; "%(n)s" in it is filled in with n.
export const t = (key, n) => (config.i18n[key] || key).replace("%(n)s", n);

// The revision the page shows (#board-state, replaced by every update that went through).
export const boardState = () => document.getElementById("board-state");
export const revision = () => boardState().dataset.rev;
