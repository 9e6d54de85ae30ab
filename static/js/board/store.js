/* What the board keeps in localStorage, per person and meeting: the outbox (new entries not
 * yet confirmed by the server, in the order typed) and the text half-typed in each add form.
 *
 * Kept per person so that on a shared computer one person's unsent entries are never sent
 * under another person's account; static/js/session.js removes every key with these
 * prefixes at logout ("consult-outbox-<user>-<meeting>", "consult-typing-<user>-<meeting>-
 * <section>": keep the formats in step with it).
 */
import { config } from "./state.js";

const OUTBOX_PREFIX = "consult-outbox-";
const TYPING_PREFIX = "consult-typing-";

const outboxKey = () => OUTBOX_PREFIX + config.userId + "-" + config.meetingId;
const typingKey = (sectionId) => TYPING_PREFIX + config.userId + "-" + config.meetingId + "-" + sectionId;

// Outboxes from before they were kept per person: nobody can tell whose they are.
export const forgetOwnerlessOutbox = () => localStorage.removeItem(OUTBOX_PREFIX + config.meetingId);

export function drafts() {
  try { return JSON.parse(localStorage.getItem(outboxKey()) || "[]"); } catch (e) { return []; }
}
export const saveDrafts = (items) => localStorage.setItem(outboxKey(), JSON.stringify(items));
export const addDraft = (draft) => saveDrafts([...drafts(), draft]);
export const findDraft = (key) => drafts().find((d) => d.key === key);
export const updateDraft = (key, changes) => saveDrafts(drafts().map((d) => (d.key === key ? { ...d, ...changes } : d)));
export const dropDraft = (key) => saveDrafts(drafts().filter((d) => d.key !== key));
export const pendingCount = () => drafts().length;
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now() + "-" + Math.random().toString(16).slice(2));

export const typed = (sectionId) => localStorage.getItem(typingKey(sectionId));
export const keepTyped = (sectionId, text) => localStorage.setItem(typingKey(sectionId), text);
export const forgetTyped = (sectionId) => localStorage.removeItem(typingKey(sectionId));
