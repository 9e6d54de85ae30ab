/* consult — what a browser must forget when its user logs out.
 *
 * The capture board keeps entries not yet saved in localStorage (per person and meeting,
 * see board/store.js, whose key prefixes are the ones below). Logging out removes them, so
 * that on a shared computer nothing one person typed stays behind for the next; if some are
 * still unsent, the person is asked first.
 */
(function () {
  "use strict";

  const PREFIXES = ["consult-outbox-", "consult-typing-"];

  function storedKeys() {
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key && PREFIXES.some((p) => key.startsWith(p))) keys.push(key);
      }
    } catch (e) { /* storage unavailable: nothing kept */ }
    return keys;
  }

  function unsentEntries() {
    let count = 0;
    for (const key of storedKeys()) {
      if (!key.startsWith("consult-outbox-")) continue;
      try { count += (JSON.parse(localStorage.getItem(key) || "[]") || []).length; } catch (e) { /* ignore */ }
    }
    return count;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    const unsent = unsentEntries();
    if (unsent && !window.confirm((form.dataset.unsentWarning || "").replace("%(n)s", unsent))) {
      event.preventDefault();
      return;
    }
    for (const key of storedKeys()) localStorage.removeItem(key);
  });
})();
