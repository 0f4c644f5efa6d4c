/* pingyi — the meeting console (会议控制台): confirmations, live counts, connection and state
 * notices. The live connection is shared/live.js; data come from the JSON island #live-config,
 * strings from #i18n through gettext(). */
import { $, ready } from './shared/dom.js';
import { gettext } from './shared/i18n.js';
import { connect, readConfig, stateLabel } from './shared/live.js';

const root = $("console");
const config = readConfig();

// Confirmations for the buttons that change the meeting (no inline handlers: CSP).
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (e) {
    if (!window.confirm(form.dataset.confirm || gettext("Are you sure?"))) e.preventDefault();
  });
});

function setCell(row, field, value) {
  const cell = row && row.querySelector('[data-field="' + field + '"]');
  if (cell && cell.textContent !== value) {
    cell.textContent = value;
    if (field === "cast") {
      cell.classList.remove("bump");
      void cell.offsetWidth; // restart the highlight animation
      cell.classList.add("bump");
    }
  }
}

function quorum(row, met) {
  const cell = row && row.querySelector('[data-field="quorum"]');
  if (!cell) return;
  cell.textContent = "";
  if (met === null || met === undefined) { cell.textContent = "—"; return; }
  const span = document.createElement("span");
  span.className = met ? "ok" : "warn";
  span.textContent = met ? "✓ " + gettext("Quorum met") : gettext("Quorum not met");
  cell.appendChild(span);
}

function applyCounts(c) {
  const table = $("counts");
  c.panels.forEach(function (p) {
    const row = table.querySelector('tr[data-panel="' + p.key + '"]');
    setCell(row, "expected", p.expected === null ? "—" : String(p.expected));
    setCell(row, "issued", String(p.issued));
    setCell(row, "cast", String(p.cast));
    quorum(row, p.quorum_met);
  });
  const total = table.querySelector('tr[data-panel="_total"]');
  setCell(total, "expected", c.expected === null ? "—" : String(c.expected));
  setCell(total, "issued", String(c.issued));
  setCell(total, "cast", String(c.cast));
  const stamp = $("counts-updated");
  if (stamp) stamp.textContent = gettext("Updated") + " " + new Date().toLocaleTimeString();
}

function applyState(s) {
  const badge = $("state-badge");
  if (s.state !== root.dataset.state || (s.rehearsal ? "1" : "0") !== root.dataset.rehearsal) {
    badge.className = "state-badge state-" + s.state;
    badge.textContent = stateLabel(s.state);
    const notice = $("state-notice");
    notice.textContent = gettext("The event changed elsewhere. Reload to see the new controls.") + " ";
    const link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = gettext("Reload");
    notice.appendChild(link);
    notice.hidden = false;
  }
}

function status(s) {
  const pill = $("live-pill");
  pill.dataset.status = s;
  pill.textContent = s === "live" ? "● " + gettext("Live") : gettext("Reconnecting…");
}

if (root) ready(function () { connect(config, { counts: applyCounts, state: applyState, status: status }); });
