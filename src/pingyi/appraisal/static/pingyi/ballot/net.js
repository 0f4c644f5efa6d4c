/* The network: the two POSTs (card lookup, ballot), the running order, retries and back-off.
 * Requests go only to the configured endpoints; the card's secret travels in POST bodies. */
import { S, TIMEOUT_MS } from './state.js';

export function NetworkError(message) { this.message = message; }

export async function postJSON(url, body) {
  let controller = null;
  let timer = null;
  if (typeof AbortController === 'function') {
    controller = new AbortController();
    timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
  }
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller ? controller.signal : undefined,
    });
  } catch (e) {
    throw new NetworkError(String(e));
  } finally {
    if (timer) clearTimeout(timer);
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (response.status >= 500 || response.status === 408 || response.status === 429 || (response.ok && data === null)) {
    throw new NetworkError('HTTP ' + response.status);
  }
  return { status: response.status, data: data || {} };
}

export async function getJSON(url) {
  try {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    return await response.json();
  } catch (e) {
    return null;
  }
}

export function wait(seconds, onTick) {
  // Resolves after `seconds`, or at once when S.retryNow() is called.
  return new Promise(function (resolve) {
    let left = seconds;
    let interval = null;
    const done = function () { if (interval) clearInterval(interval); S.retryNow = null; resolve(); };
    S.retryNow = done;
    if (onTick) onTick(left);
    interval = setInterval(function () {
      left -= 1;
      if (left <= 0) done();
      else if (onTick) onTick(left);
    }, 1000);
  });
}

export function isOffline() { return navigator.onLine === false; }

export function backoff(attempt) { return Math.min(30, Math.pow(2, attempt)) + Math.floor(Math.random() * 2); }
