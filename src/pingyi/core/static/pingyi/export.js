// A long export's page: ask for its state every 2 seconds; reload when it is ready or failed.
const state = document.getElementById("export-state");
const poll = state ? state.dataset.poll : null;
async function check() {
  try {
    const answer = await fetch(poll, { headers: { Accept: "application/json" } });
    if (answer.ok) {
      const body = await answer.json();
      if (body.state === "done" || body.state === "failed") {
        window.location.reload();
        return;
      }
    }
  } catch (_) {
    // the network may be back on the next try
  }
  window.setTimeout(check, 2000);
}
if (poll) window.setTimeout(check, 2000);
