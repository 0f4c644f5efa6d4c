/* pingyi — the live connection of the big screen and the meeting console.
 *
 * connect(config, handlers): Server-Sent Events from config.stream with named events
 * "state", "counts", "reveal" (and "ping" heartbeats, "bye" when the server ends the
 * stream). EventSource reconnects by itself after a dropped connection; when the browser
 * gives up (a proxy's 502 during a restart, a 403) we reopen it with a back-off, and a
 * watchdog reopens a stream that went silent (no heartbeat for 40 s).
 * handlers.status("live" | "reconnecting") drives the small "Reconnecting…" indicator.
 *
 * No inline scripts (CSP script-src 'self'): the page passes its data in the JSON island
 * #live-config: {stream, poll, snapshot}.
 */
import { readJSON } from './dom.js';
import { gettext } from './i18n.js';

export function readConfig() { return readJSON('live-config'); }

/** An event's state as the screen and the console name it. */
export function stateLabel(state) {
  const labels = {
    draft: gettext('Not yet open'),
    open: gettext('Voting open'),
    closed: gettext('Voting closed'),
    published: gettext('Published'),
  };
  return labels[state] || state;
}

export function connect(config, handlers) {
  let source = null;
  let backoff = 1000;
  let lastMessage = Date.now();
  let shownTimer = null;
  let isLive = false;

  function status(value) {
    if (value === 'live') {
      isLive = true;
      if (shownTimer) { clearTimeout(shownTimer); shownTimer = null; }
      if (handlers.status) handlers.status('live');
    } else if (isLive || !shownTimer) {
      // Only say "reconnecting" if it lasts: a planned stream end reconnects in 1 s.
      isLive = false;
      if (!shownTimer) {
        shownTimer = setTimeout(function () {
          shownTimer = null;
          if (!isLive && handlers.status) handlers.status('reconnecting');
        }, 1500);
      }
    }
  }

  function seen() { lastMessage = Date.now(); status('live'); }

  function listen(name) {
    source.addEventListener(name, function (e) {
      seen();
      let data = null;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (handlers[name]) handlers[name](data);
    });
  }

  function open() {
    if (source) source.close();
    source = new EventSource(config.stream);
    source.onopen = function () { backoff = 1000; seen(); };
    ['state', 'counts', 'reveal'].forEach(listen);
    source.addEventListener('ping', seen);
    source.addEventListener('bye', seen);
    source.addEventListener('gone', function () { source.close(); status('reconnecting'); });
    source.onerror = function () {
      status('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        const wait = backoff;
        backoff = Math.min(backoff * 2, 10000);
        setTimeout(open, wait);
      }
    };
  }

  setInterval(function () {
    if (Date.now() - lastMessage > 40000) {
      lastMessage = Date.now();
      status('reconnecting');
      open();
    }
  }, 5000);
  open();
  return { reopen: open };
}
