/* pingyi — the phone ballot (评议票).
 *
 * Plain ES2017 for old Android WebViews and the WeChat in-app browser: fetch, localStorage,
 * sessionStorage and the DOM, nothing else (no framework, no optional chaining, no object
 * spread). Served as a static file: the page's CSP allows no inline script.
 *
 * The card's secret arrives in the address's fragment (#token), which browsers never send to
 * a server; it is moved out of the address bar at once and only ever travels in POST bodies.
 * Every change is kept on the phone (a draft per card); a submission is retried with the
 * identical body, which the server answers with the same receipt.
 */
(function () {
  'use strict';

  // --- set-up: the page's data islands -------------------------------------------------------

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return {};
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  const T = readJSON('ballot-i18n');
  const CONF = readJSON('ballot-config');
  const URLS = CONF.urls || {};
  const PREFIX = 'pingyi.ballot.';
  const ABSTAIN_VALUE = '__abstain__';
  const CODE_RE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}$/;
  const AUTO_RETRIES = 6;
  const TIMEOUT_MS = 20000;

  function t(key, params) {
    let text = Object.prototype.hasOwnProperty.call(T, key) ? T[key] : key;
    if (params) {
      text = text.replace(/%\((\w+)\)[sd]/g, function (all, name) {
        return params[name] === undefined || params[name] === null ? all : String(params[name]);
      });
    }
    return text;
  }

  const $ = function (id) { return document.getElementById(id); };

  function h(tag, attrs, kids) {
    const el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        const value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === 'text') el.textContent = value;
        else if (name === 'className') el.className = value;
        else if (name.slice(0, 2) === 'on') el.addEventListener(name.slice(2), value);
        else el.setAttribute(name, value === true ? '' : String(value));
      });
    }
    (kids || []).forEach(function (kid) {
      if (kid === null || kid === undefined || kid === false) return;
      el.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
    });
    return el;
  }

  function show(el, visible) { if (el) el.hidden = !visible; }

  function fitBar() {
    // The fixed submit bar changes height (reason, status, confirmation): keep the page's end
    // (the last unit, the footer) scrollable above it.
    const bar = document.getElementById('bar');
    document.body.style.paddingBottom = bar && !bar.hidden ? (bar.offsetHeight + 16) + 'px' : '';
  }

  function syncBar() {
    const status = document.getElementById('bar-status');
    show(document.getElementById('bar-reason-wrap'), !S.sending && !S.confirming && status.hidden);
    fitBar();
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  // --- storage on the holder's own phone -------------------------------------------------------

  const store = {
    get: function (area, key) {
      try { return window[area].getItem(PREFIX + key); } catch (e) { return null; }
    },
    set: function (area, key, value) {
      try { window[area].setItem(PREFIX + key, value); return true; } catch (e) { return false; }
    },
    del: function (area, key) {
      try { window[area].removeItem(PREFIX + key); } catch (e) { /* storage unavailable */ }
    },
    getJSON: function (area, key) {
      const text = store.get(area, key);
      if (!text) return null;
      try { return JSON.parse(text); } catch (e) { return null; }
    },
  };

  async function cardKey(secret) {
    // A SHA-256 of the card's secret where the browser offers it (secure contexts), else the
    // secret itself: the draft lives on the holder's own phone either way.
    try {
      if (window.crypto && window.crypto.subtle && window.TextEncoder) {
        const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
        return Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return ('0' + b.toString(16)).slice(-2);
        }).join('');
      }
    } catch (e) { /* fall back below */ }
    return 'card-' + secret;
  }

  // --- numbers ---------------------------------------------------------------------------------

  function decimals(x) {
    const s = String(x);
    if (s.indexOf('e') >= 0 || s.indexOf('E') >= 0) return 12;
    const dot = s.indexOf('.');
    return dot < 0 ? 0 : s.length - dot - 1;
  }

  function toHalfWidth(text) {
    return String(text).replace(/[\uFF10-\uFF19\uFF0E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    });
  }

  function parseScore(text) {
    if (text === undefined || text === null) return { empty: true };
    const s = toHalfWidth(text).trim().replace(/[,，。]/g, '.');
    if (s === '') return { empty: true };
    if (!/^\d+(\.\d+)?$/.test(s) && !/^\.\d+$/.test(s)) return { bad: true };
    return { value: Number(s) };
  }

  function onStep(value, step) {
    const d = Math.max(decimals(value), decimals(step));
    if (d > 9) return false;
    const f = Math.pow(10, d);
    const a = Math.round(value * f);
    const b = Math.round(step * f);
    return b > 0 && Math.abs(value * f - a) < 1e-6 && a % b === 0;
  }

  function fixed(value, places) { return String(Number(value.toFixed(places))); }

  function quotaLimit(share, graded) {
    // floor(q × graded) in integers: q has few decimal places (it is written in event.json).
    const d = Math.min(decimals(share), 9);
    const f = Math.pow(10, d);
    return Math.floor((Math.round(share * f) * graded) / f);
  }

  function percent(share) { return fixed(share * 100, 2) + '%'; }

  // --- state -----------------------------------------------------------------------------------

  const S = {
    secret: null,   // the card's token or typed code (never in a URL)
    key: null,      // storage key derived from it
    card: null,     // the lookup answer
    tracks: [],     // [{key, name, rubric, index, units: [{key, name, presenter, slides, order, bound, index}]}]
    marks: {},      // marks[track][unit] = {a: true} | {g: gradeKey} | {c: {criterion: text}} (a with c kept)
    sending: false,
    confirming: false,
    retryNow: null,
    refused: null,  // {track, unit} the server named in a 422
  };

  function markOf(trackKey, unitKey) {
    const byTrack = S.marks[trackKey] || (S.marks[trackKey] = {});
    return byTrack[unitKey] || (byTrack[unitKey] = {});
  }

  // --- network ---------------------------------------------------------------------------------

  function NetworkError(message) { this.message = message; }

  async function postJSON(url, body) {
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

  async function getJSON(url) {
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) return null;
      return await response.json();
    } catch (e) {
      return null;
    }
  }

  function wait(seconds, onTick) {
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

  function isOffline() { return navigator.onLine === false; }

  function keepOffline() {
    // The service worker (/b/sw.js, scope /b/) keeps this page, its script and style for a
    // reload without network. Browsers offer it only in a secure context (HTTPS, localhost).
    if (!URLS.sw || !('serviceWorker' in navigator) || !window.isSecureContext) return;
    try {
      navigator.serviceWorker.register(URLS.sw).catch(function () { /* the page works without */ });
    } catch (e) { /* old WebView */ }
  }

  function backoff(attempt) { return Math.min(30, Math.pow(2, attempt)) + Math.floor(Math.random() * 2); }

  // --- screens ---------------------------------------------------------------------------------

  const SCREENS = ['loading', 'code-screen', 'notice', 'ballot', 'receipt'];

  function screen(name) {
    SCREENS.forEach(function (id) { show($(id), id === name); });
    show($('bar'), name === 'ballot');
    show($('other-card'), name === 'ballot');
    fitBar();
  }

  function loading(text, retry) {
    screen('loading');
    $('loading-text').textContent = text;
    show($('loading-retry'), !!retry);
  }

  function notice(kind, title, text, actions) {
    screen('notice');
    const box = $('notice');
    box.className = 'notice notice-' + kind;
    $('notice-title').textContent = title;
    $('notice-text').textContent = text || '';
    const bar = $('notice-actions');
    clear(bar);
    (actions || []).forEach(function (action) {
      bar.appendChild(h('button', { type: 'button', className: action.primary ? 'btn primary' : 'btn', text: action.label, onclick: action.run }));
    });
    const heading = $('notice-title');
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }

  function setHeader(title, meta) {
    $('event-name').textContent = title || t('Appraisal ballot');
    $('event-meta').textContent = meta || '';
    show($('event-meta'), !!meta);
    document.title = (title || t('Appraisal ballot')) + ' · ' + t('pingyi');
  }

  // --- the card ----------------------------------------------------------------------------------

  function rememberSecret(secret) {
    store.set('sessionStorage', 'card', secret);
    store.set('localStorage', 'card', secret);
  }

  function forgetSecret() {
    store.del('sessionStorage', 'card');
    store.del('localStorage', 'card');
  }

  function secretFromHash() {
    const raw = location.hash ? location.hash.replace(/^#/, '') : '';
    if (!raw) return null;
    // Out of the address bar at once: no screenshot, bookmark or shared link carries it.
    try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* old WebView */ }
    let secret = raw;
    try { secret = decodeURIComponent(raw); } catch (e) { secret = raw; }
    secret = secret.trim();
    const code = normaliseCode(secret);
    return code || secret || null;
  }

  function normaliseCode(text) {
    const cleaned = toHalfWidth(text).replace(/[\s\-_－—]/g, '').toUpperCase();
    return CODE_RE.test(cleaned) ? cleaned : null;
  }

  function showCodeForm(error) {
    setHeader(null, null);
    screen('code-screen');
    const input = $('code-input');
    const message = $('code-error');
    message.textContent = error || '';
    show(message, !!error);
    input.setAttribute('aria-invalid', error ? 'true' : 'false');
    const stored = store.get('localStorage', 'card');
    show($('code-resume'), !!stored && !error);
    input.focus();
  }

  function onCodeSubmit(event) {
    event.preventDefault();
    let text = $('code-input').value || '';
    if (text.indexOf('#') >= 0) text = text.slice(text.indexOf('#') + 1);  // a pasted card link
    text = text.trim();
    const code = normaliseCode(text);
    let secret = code;
    if (!secret && text.length > 16 && /^[A-Za-z0-9_-]+$/.test(text)) secret = text;  // a pasted token
    if (!secret) {
      showCodeForm(t('A card code has 10 letters and digits, like ABCDE-FGHJK. Please check it.'));
      return;
    }
    $('code-input').value = '';
    openCard(secret);
  }

  async function openCard(secret) {
    S.secret = secret;
    S.refused = null;
    rememberSecret(secret);
    S.key = await cardKey(secret);
    const kept = store.getJSON('localStorage', 'receipt.' + S.key);
    if (kept && kept.receipt) {
      showReceipt(kept);
      return;
    }
    // This card's lookup as last answered, kept on this phone under the hash of its secret:
    // with no network (a hall's Wi-Fi down, the page reloaded from the service worker) the
    // ballot opens from it, and the draft and a queued ballot with it.
    const offline = store.getJSON('localStorage', 'lookup.' + S.key);
    let answer = null;
    let fromPhone = false;
    for (let attempt = 0; answer === null; attempt += 1) {
      loading(attempt ? t('No connection. Trying again…') : t('Opening your ballot…'), attempt > 0);
      try {
        answer = await postJSON(URLS.lookup, JSON.stringify({ token: secret }));
      } catch (e) {
        if (offline && offline.card && offline.card.spec) {
          answer = { status: 200, data: offline.card };
          fromPhone = true;
        } else if (attempt >= AUTO_RETRIES) {
          loading(t('Cannot reach the server. Check the network, then try again.'), true);
          await new Promise(function (resolve) { S.retryNow = resolve; });
          attempt = -1;
        } else {
          await wait(backoff(attempt), function (left) {
            $('loading-text').textContent = t('No connection. Trying again in %(seconds)s s…', { seconds: left });
          });
        }
      }
    }
    if (answer.status !== 200) {
      store.del('localStorage', 'lookup.' + S.key);
      forgetSecret();
      showCodeForm(t('This ballot card is not valid. Check the code and try again.'));
      return;
    }
    S.card = answer.data;
    if (!fromPhone) store.set('localStorage', 'lookup.' + S.key, JSON.stringify({ v: 1, card: S.card, running: offline ? offline.running : null }));
    const event = S.card.event || {};
    const pending = store.get('localStorage', 'pending.' + S.key);
    const panel = (S.card.spec.panels || []).filter(function (p) { return p.key === S.card.panel; })[0];
    setHeader(event.name, [panel ? panel.name : S.card.panel, event.held_on].filter(Boolean).join(' · '));
    if (S.card.used && !pending) {
      notice('refused', t('This card has already been used'),
        t('Each ballot card votes once. If you voted with it on another phone, the receipt was shown there.'),
        [{ label: t('Use another card'), run: otherCard }]);
      return;
    }
    if ((event.state === 'closed' || event.state === 'published') && !pending) {
      notice('info', t('Voting has closed'), t('This appraisal no longer takes ballots. Thank you.'),
        [{ label: t('Use another card'), run: otherCard }]);
      return;
    }
    let running = null;
    if (event.state === 'open' && URLS.presentations && !fromPhone) {
      running = await getJSON(URLS.presentations + encodeURIComponent(event.key));
      if (running) {
        store.set('localStorage', 'lookup.' + S.key, JSON.stringify({ v: 1, card: S.card, running: running }));
      }
    }
    if (!running && offline && offline.running && offline.running.event === event.key) running = offline.running;
    buildTracks(S.card, running);
    renderBallot();
    if (fromPhone) {
      banner('warn', t('You are offline. Your scores are kept on this phone.'));
    } else if (event.state !== 'open') {
      banner('info', t('Voting has not opened yet. You can fill in your scores now: they are kept on this phone, and you can submit once voting opens.'));
    }
    if (pending) submit(pending);
  }

  function otherCard() {
    forgetSecret();
    S.secret = S.key = S.card = null;
    showCodeForm(null);
  }

  // --- the ballot ------------------------------------------------------------------------------

  function buildTracks(card, running) {
    const order = {};
    const extra = {};
    ((running && running.presentations) || []).forEach(function (p) {
      order[p.track + '\u0000' + p.unit] = p.order;
      extra[p.track + '\u0000' + p.unit] = p;
    });
    S.tracks = card.spec.tracks.map(function (track, ti) {
      const units = track.units.map(function (unit, ui) {
        const id = track.key + '\u0000' + unit.key;
        const more = extra[id] || {};
        return {
          key: unit.key,
          name: unit.name,
          presenter: more.presenter || unit.presenter || null,
          slides: more.slides || null,
          order: order[id] === undefined ? 100000 + ui : order[id],
          bound: card.bound_unit === unit.key,
          index: ui,
        };
      });
      units.sort(function (a, b) { return a.order - b.order || a.index - b.index; });
      units.forEach(function (unit, position) { unit.position = position + 1; });
      return { key: track.key, name: track.name, rubric: track.rubric, units: units, index: ti };
    });
  }

  function restoreDraft() {
    S.marks = {};
    const draft = store.getJSON('localStorage', 'draft.' + S.key);
    if (!draft || !draft.marks) return false;
    let restored = false;
    S.tracks.forEach(function (track) {
      const saved = draft.marks[track.key] || {};
      track.units.forEach(function (unit) {
        const m = saved[unit.key];
        if (!m || unit.bound) return;
        const clean = {};
        if (m.a) clean.a = true;
        if (typeof m.g === 'string') clean.g = m.g;
        if (m.c && typeof m.c === 'object') {
          clean.c = {};
          (track.rubric.criteria || []).forEach(function (c) {
            if (typeof m.c[c.key] === 'string') clean.c[c.key] = m.c[c.key];
          });
        }
        if (clean.a || clean.g || clean.c) {
          S.marks[track.key] = S.marks[track.key] || {};
          S.marks[track.key][unit.key] = clean;
          restored = true;
        }
      });
    });
    return restored;
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function saveDraft() {
    const ok = store.set('localStorage', 'draft.' + S.key, JSON.stringify({ v: 1, marks: S.marks, at: Date.now() }));
    const now = new Date();
    $('saved').textContent = ok
      ? t('Saved on this phone at %(time)s', { time: pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds()) })
      : t('This browser cannot keep a draft: do not close the page before you submit.');
  }

  function banner(kind, text) {
    const box = $('banner');
    box.className = 'banner banner-' + kind;
    box.textContent = text;
    show(box, !!text);
  }

  function rubricNote(track) {
    const r = track.rubric;
    const parts = [];
    if (r.kind === 'criteria') {
      parts.push(t('Score every criterion; steps of %(step)s.', { step: r.step || 1 }));
    } else {
      parts.push(t('Choose one grade for every unit.'));
      if (r.top_grade_max_share !== undefined && r.top_grade_max_share !== null) {
        parts.push(t('At most %(share)s of the units graded may be given %(grade)s.', {
          share: percent(r.top_grade_max_share), grade: r.grades[0].name,
        }));
      }
    }
    if (r.abstain) parts.push(t('Choose “Don’t know” for a unit you cannot judge.'));
    return parts.join(' ');
  }

  function unitId(track, unit) { return 'u-' + track.index + '-' + unit.index; }

  function renderUnit(track, unit) {
    const id = unitId(track, unit);
    const headId = id + '-name';
    const head = h('div', { className: 'unit-head' }, [
      h('span', { className: 'order', 'aria-hidden': 'true', text: String(unit.position) }),
      h('h3', { id: headId, className: 'unit-name', tabindex: '-1', text: unit.name }),
      h('span', { className: 'badge', id: id + '-badge', 'aria-hidden': 'true' }),
    ]);
    const meta = [];
    if (unit.presenter) meta.push(h('span', { text: t('Presenter: %(name)s', { name: unit.presenter }) }));
    if (unit.slides) {
      meta.push(h('a', {
        href: unit.slides, target: '_blank', rel: 'noopener', className: 'slides',
        'aria-label': t('Slides of %(unit)s', { unit: unit.name }), text: t('Slides'),
      }));
    }
    const kids = [head];
    if (meta.length) kids.push(h('p', { className: 'meta' }, meta));
    if (unit.bound) {
      kids.push(h('p', { className: 'bound-note', text: t('Your own unit (not appraised)') }));
      return h('li', { className: 'unit bound', id: id, 'aria-labelledby': headId }, kids);
    }
    const r = track.rubric;
    if (r.kind === 'criteria') {
      r.criteria.forEach(function (c, ci) {
        const inputId = id + '-c' + ci;
        const errId = inputId + '-err';
        kids.push(h('div', { className: 'crit' }, [
          h('label', { for: inputId, className: 'crit-label' }, [
            h('span', { text: c.name }),
            h('span', { className: 'max', text: t('max %(max)s', { max: c.max }) }),
          ]),
          h('div', { className: 'stepper' }, [
            h('button', {
              type: 'button', className: 'step', 'data-act': 'dec', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
              'aria-label': t('Decrease %(item)s of %(unit)s', { item: c.name, unit: unit.name }), text: '−',
            }),
            h('input', {
              id: inputId, type: 'text', inputmode: 'decimal', autocomplete: 'off', enterkeyhint: 'next',
              className: 'score', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
              'aria-describedby': errId, placeholder: '0–' + c.max,
              'aria-label': t('%(unit)s, %(item)s, 0 to %(max)s', { unit: unit.name, item: c.name, max: c.max }),
            }),
            h('button', {
              type: 'button', className: 'step', 'data-act': 'inc', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
              'aria-label': t('Increase %(item)s of %(unit)s', { item: c.name, unit: unit.name }), text: '+',
            }),
          ]),
          h('p', { className: 'err', id: errId, 'aria-live': 'polite' }),
        ]));
      });
      kids.push(h('p', { className: 'total', id: id + '-total', 'aria-live': 'polite' }));
      if (r.abstain) {
        kids.push(h('label', { className: 'abstain-toggle' }, [
          h('input', { type: 'checkbox', className: 'abstain', 'data-t': track.index, 'data-u': unit.index }),
          h('span', { text: t('Don’t know') }),
        ]));
      }
    } else {
      const name = 'g-' + track.index + '-' + unit.index;
      const options = r.grades.map(function (g) {
        return h('label', { className: 'grade' }, [
          h('input', { type: 'radio', name: name, value: g.key, 'data-t': track.index, 'data-u': unit.index }),
          h('span', { text: g.name }),
        ]);
      });
      if (r.abstain) {
        options.push(h('label', { className: 'grade grade-abstain' }, [
          h('input', { type: 'radio', name: name, value: ABSTAIN_VALUE, 'data-t': track.index, 'data-u': unit.index }),
          h('span', { text: t('Don’t know') }),
        ]));
      }
      kids.push(h('div', { className: 'grades', role: 'radiogroup', 'aria-labelledby': headId }, options));
    }
    return h('li', { className: 'unit', id: id, 'aria-labelledby': headId }, kids);
  }

  function renderBallot() {
    const root = $('tracks');
    clear(root);
    S.tracks.forEach(function (track) {
      const statusId = 'track-' + track.index + '-status';
      root.appendChild(h('section', { className: 'track', id: 'track-' + track.index, 'aria-labelledby': 'track-' + track.index + '-name' }, [
        h('div', { className: 'track-status' }, [
          h('div', { className: 'track-line' }, [
            h('h2', { id: 'track-' + track.index + '-name', text: track.name }),
            h('div', { className: 'counters', id: statusId, 'aria-live': 'polite', 'aria-atomic': 'true' }, [
              h('span', { className: 'counter progress', id: statusId + '-progress' }),
              h('span', { className: 'counter quota', id: statusId + '-quota', hidden: true }),
            ]),
          ]),
          h('p', { className: 'track-msg', id: statusId + '-msg', role: 'alert' }),
        ]),
        h('p', { className: 'rubric-note', text: rubricNote(track) }),
        h('ol', { className: 'units' }, track.units.map(function (unit) { return renderUnit(track, unit); })),
      ]));
    });
    const restored = restoreDraft();
    syncControls();
    screen('ballot');
    banner('', '');
    $('saved').textContent = restored ? t('Your earlier scores on this phone were restored.') : '';
    lock(false);
    refresh();
  }

  function syncControls() {
    S.tracks.forEach(function (track) {
      track.units.forEach(function (unit) { if (!unit.bound) syncUnit(track, unit); });
    });
  }

  function syncUnit(track, unit) {
    const m = markOf(track.key, unit.key);
    const el = $(unitId(track, unit));
    if (track.rubric.kind === 'criteria') {
      track.rubric.criteria.forEach(function (c, ci) {
        const input = $(unitId(track, unit) + '-c' + ci);
        const text = m.c && m.c[c.key] !== undefined ? m.c[c.key] : '';
        if (input.value !== text) input.value = text;
        input.disabled = !!m.a;
      });
      el.querySelectorAll('button.step').forEach(function (b) { b.disabled = !!m.a; });
      const box = el.querySelector('input.abstain');
      if (box) box.checked = !!m.a;
    } else {
      const value = m.a ? ABSTAIN_VALUE : (m.g || '');
      el.querySelectorAll('input[type=radio]').forEach(function (radio) { radio.checked = radio.value === value; });
    }
  }

  // --- validation --------------------------------------------------------------------------------

  function checkCriterion(rubric, c, text) {
    const p = parseScore(text);
    if (p.empty) return { state: 'empty' };
    if (p.bad) return { state: 'bad', msg: t('Enter a number.') };
    if (p.value < 0 || p.value > c.max) return { state: 'bad', msg: t('Must be between 0 and %(max)s.', { max: c.max }) };
    const step = rubric.step || 1;
    if (!onStep(p.value, step)) return { state: 'bad', msg: t('Must be a multiple of %(step)s.', { step: step }) };
    return { state: 'ok', value: p.value };
  }

  function unitStatus(track, unit) {
    if (unit.bound) return { state: 'bound' };
    const m = markOf(track.key, unit.key);
    if (m.a && track.rubric.abstain) return { state: 'done', abstain: true };
    const r = track.rubric;
    if (r.kind === 'grades') {
      const known = r.grades.some(function (g) { return g.key === m.g; });
      return known ? { state: 'done', grade: m.g } : { state: 'todo' };
    }
    const out = { state: 'done', total: 0, errors: {}, firstBad: null };
    r.criteria.forEach(function (c) {
      const res = checkCriterion(r, c, m.c ? m.c[c.key] : undefined);
      if (res.state === 'bad') {
        out.state = 'bad';
        out.errors[c.key] = res.msg;
        if (!out.firstBad) out.firstBad = c;
      } else if (res.state === 'empty') {
        if (out.state === 'done') out.state = 'todo';
      } else {
        out.total += res.value;
      }
    });
    return out;
  }

  function trackSummary(track, statuses) {
    const out = { total: 0, done: 0, abstained: 0, top: 0, limit: null, over: false, todo: [], bad: [] };
    track.units.forEach(function (unit) {
      const st = statuses[unit.key];
      if (st.state === 'bound') return;
      out.total += 1;
      if (st.state === 'done') out.done += 1;
      if (st.abstain) out.abstained += 1;
      if (st.state === 'todo') out.todo.push(unit);
      if (st.state === 'bad') out.bad.push(unit);
      if (track.rubric.kind === 'grades' && st.grade === track.rubric.grades[0].key) out.top += 1;
    });
    const q = track.rubric.top_grade_max_share;
    if (track.rubric.kind === 'grades' && q !== undefined && q !== null) {
      // Counted over the units that will be graded: every unit not bound and not abstained.
      out.limit = quotaLimit(q, out.total - out.abstained);
      out.over = out.top > out.limit;
    }
    return out;
  }

  function evaluate() {
    const result = { tracks: [], reason: null, target: null, ok: true };
    let todoCount = 0;
    let firstTodo = null;
    S.tracks.forEach(function (track) {
      const statuses = {};
      track.units.forEach(function (unit) { statuses[unit.key] = unitStatus(track, unit); });
      const summary = trackSummary(track, statuses);
      result.tracks.push({ track: track, statuses: statuses, summary: summary });
      todoCount += summary.todo.length;
      if (!firstTodo && summary.todo.length) firstTodo = { track: track, unit: summary.todo[0] };
      if (!result.reason && summary.bad.length) {
        const unit = summary.bad[0];
        const st = statuses[unit.key];
        result.reason = t('Check %(unit)s, %(item)s: %(problem)s', { unit: unit.name, item: st.firstBad.name, problem: st.errors[st.firstBad.key] });
        result.target = { track: track, unit: unit };
      }
    });
    if (!result.reason) {
      result.tracks.forEach(function (entry) {
        if (result.reason || !entry.summary.over) return;
        result.reason = t('Too many %(grade)s in %(track)s: at most %(limit)s.', {
          grade: entry.track.rubric.grades[0].name, track: entry.track.name, limit: entry.summary.limit,
        });
        result.target = { track: entry.track, unit: null };
      });
    }
    if (!result.reason && todoCount) {
      result.reason = todoCount === 1
        ? t('1 unit still to score: %(unit)s.', { unit: firstTodo.unit.name })
        : t('%(count)s units still to score, starting with %(unit)s.', { count: todoCount, unit: firstTodo.unit.name });
      result.target = firstTodo;
    }
    result.ok = !result.reason;
    return result;
  }

  function refresh() {
    const result = evaluate();
    result.tracks.forEach(function (entry) {
      const track = entry.track;
      const summary = entry.summary;
      track.units.forEach(function (unit) {
        if (unit.bound) return;
        const st = entry.statuses[unit.key];
        const el = $(unitId(track, unit));
        el.classList.toggle('done', st.state === 'done');
        el.classList.toggle('bad', st.state === 'bad');
        el.classList.toggle('abstained', !!st.abstain);
        el.classList.toggle('refused', !!(S.refused && S.refused.track === track.key && S.refused.unit === unit.key));
        $(unitId(track, unit) + '-badge').textContent = st.state === 'done' ? (st.abstain ? t('Don’t know') : '✓') : '';
        if (track.rubric.kind === 'criteria') {
          track.rubric.criteria.forEach(function (c, ci) {
            const input = $(unitId(track, unit) + '-c' + ci);
            const problem = st.errors ? st.errors[c.key] : null;
            input.setAttribute('aria-invalid', problem ? 'true' : 'false');
            const err = $(unitId(track, unit) + '-c' + ci + '-err');
            if (err.textContent !== (problem || '')) err.textContent = problem || '';
          });
          const total = $(unitId(track, unit) + '-total');
          const max = track.rubric.criteria.reduce(function (sum, c) { return sum + c.max; }, 0);
          total.textContent = st.state === 'done' && !st.abstain
            ? t('Total %(total)s of %(max)s', { total: fixed(st.total, decimals(track.rubric.step || 1)), max: fixed(max, 2) })
            : '';
        }
      });
      const base = 'track-' + track.index + '-status';
      const progress = $(base + '-progress');
      progress.textContent = t('Scored %(done)s/%(total)s', { done: summary.done, total: summary.total });
      progress.classList.toggle('complete', summary.done === summary.total);
      const quota = $(base + '-quota');
      if (summary.limit !== null) {
        show(quota, true);
        quota.textContent = track.rubric.grades[0].name + ' ' + summary.top + '/' + summary.limit;
        quota.setAttribute('aria-label', t('%(grade)s given %(count)s times, at most %(limit)s', {
          grade: track.rubric.grades[0].name, count: summary.top, limit: summary.limit,
        }));
        quota.classList.toggle('full', summary.top === summary.limit);
        quota.classList.toggle('over', summary.over);
      }
      $('track-' + track.index).classList.toggle('over', summary.over);
    });
    const reason = $('bar-reason');
    reason.textContent = result.ok ? t('All units are scored. Check, then submit.') : result.reason;
    reason.classList.toggle('ready', result.ok);
    S.target = result.target;
    reason.disabled = !result.target;
    if (!S.sending) {
      $('submit').disabled = !result.ok;
      if (!result.ok && S.confirming) confirmStep(false);
    }
    fitBar();
    return result;
  }

  function goTo(target) {
    if (!target) return;
    const el = target.unit ? $(unitId(target.track, target.unit)) : $('track-' + target.track.index);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    const focusable = target.unit ? el.querySelector('input:not([disabled]), h3') : el.querySelector('h2');
    if (focusable) {
      if (focusable.tagName === 'H2') focusable.setAttribute('tabindex', '-1');
      try { focusable.focus({ preventScroll: true }); } catch (e) { focusable.focus(); }
    }
  }

  function trackMessage(track, text) {
    const el = $('track-' + track.index + '-status-msg');
    el.textContent = text || '';
    if (text) {
      clearTimeout(el.timer);
      el.timer = setTimeout(function () { el.textContent = ''; }, 6000);
    }
  }

  function changed(track, unit) {
    if (S.refused && S.refused.track === track.key && S.refused.unit === unit.key) S.refused = null;
    if (!S.sending) barStatus('', '', false);
    saveDraft();
    refresh();
  }

  function unitFrom(el) {
    const track = S.tracks[Number(el.getAttribute('data-t'))];
    if (!track) return null;
    const unit = track.units.filter(function (u) { return u.index === Number(el.getAttribute('data-u')); })[0];
    return unit ? { track: track, unit: unit } : null;
  }

  function onInput(event) {
    const el = event.target;
    if (!el.classList || !el.classList.contains('score')) return;
    const where = unitFrom(el);
    if (!where) return;
    const c = where.track.rubric.criteria[Number(el.getAttribute('data-c'))];
    const m = markOf(where.track.key, where.unit.key);
    m.c = m.c || {};
    m.c[c.key] = el.value;
    changed(where.track, where.unit);
  }

  function onClick(event) {
    const button = event.target.closest ? event.target.closest('button.step') : null;
    if (!button || button.disabled) return;
    const where = unitFrom(button);
    if (!where) return;
    const r = where.track.rubric;
    const c = r.criteria[Number(button.getAttribute('data-c'))];
    const m = markOf(where.track.key, where.unit.key);
    m.c = m.c || {};
    const step = r.step || 1;
    const places = decimals(step);
    const top = Math.floor(c.max / step + 1e-9) * step;
    const p = parseScore(m.c[c.key]);
    const dir = button.getAttribute('data-act') === 'inc' ? 1 : -1;
    let value;
    if (p.empty || p.bad) value = dir > 0 ? top : top - step;   // start near the top: most scores are high
    else value = (Math.round(p.value / step) + dir) * step;
    value = Math.max(0, Math.min(top, value));
    m.c[c.key] = fixed(value, places);
    syncUnit(where.track, where.unit);
    changed(where.track, where.unit);
  }

  function onChange(event) {
    const el = event.target;
    const where = unitFrom(el);
    if (!where) return;
    const track = where.track;
    const unit = where.unit;
    const m = markOf(track.key, unit.key);
    if (el.classList.contains('abstain')) {
      if (el.checked) m.a = true; else delete m.a;
      syncUnit(track, unit);
    } else if (el.type === 'radio') {
      if (el.value === ABSTAIN_VALUE) {
        S.marks[track.key][unit.key] = { a: true };
      } else {
        const r = track.rubric;
        const q = r.top_grade_max_share;
        if (el.value === r.grades[0].key && q !== undefined && q !== null && m.g !== el.value) {
          // Would this first grade break the quota? Count the others and the units to be graded.
          const statuses = {};
          track.units.forEach(function (u) { statuses[u.key] = unitStatus(track, u); });
          statuses[unit.key] = { state: 'done', grade: el.value };
          const summary = trackSummary(track, statuses);
          if (summary.over) {
            syncUnit(track, unit);
            const quota = $('track-' + track.index + '-status-quota');
            quota.classList.remove('flash');
            void quota.offsetWidth;  // restart the animation
            quota.classList.add('flash');
            trackMessage(track, t('At most %(limit)s units here may be given %(grade)s (%(share)s of the units graded). Choose another grade for %(unit)s, or change one already given.', {
              limit: summary.limit, grade: r.grades[0].name, share: percent(q), unit: unit.name,
            }));
            return;
          }
        }
        S.marks[track.key][unit.key] = { g: el.value };
      }
      trackMessage(track, '');
    }
    changed(track, unit);
  }

  // --- submitting ----------------------------------------------------------------------------------

  function buildBody() {
    const scores = [];
    S.tracks.forEach(function (track) {
      const r = track.rubric;
      const units = track.units.slice().sort(function (a, b) { return a.index - b.index; });
      units.forEach(function (unit) {
        if (unit.bound) return;
        const m = markOf(track.key, unit.key);
        if (m.a && r.abstain) {
          scores.push({ track: track.key, unit: unit.key, item: 'abstain', value: null });
        } else if (r.kind === 'grades') {
          scores.push({ track: track.key, unit: unit.key, item: 'grade', value: m.g });
        } else {
          r.criteria.forEach(function (c) {
            scores.push({ track: track.key, unit: unit.key, item: c.key, value: parseScore(m.c[c.key]).value });
          });
        }
      });
    });
    return JSON.stringify({ token: S.secret, scores: scores });
  }

  function lock(locked) {
    $('ballot-fields').disabled = locked;
    $('ballot').classList.toggle('locked', locked);
  }

  function confirmStep(on) {
    S.confirming = on;
    show($('confirm'), on);
    show($('submit'), !on && !S.sending);
    syncBar();
    if (on) $('confirm-yes').focus();
  }

  function barStatus(text, kind, retry) {
    const el = $('bar-status');
    el.textContent = text || '';
    el.className = 'bar-status' + (kind ? ' ' + kind : '');
    show(el, !!text);
    show($('retry'), !!retry);
    syncBar();
  }

  function onSubmitClick() {
    if (S.sending) return;
    const result = refresh();
    if (!result.ok) { goTo(result.target); return; }
    confirmStep(true);
  }

  function onConfirm() {
    confirmStep(false);
    if (!refresh().ok) return;
    submit(buildBody());
  }

  async function submit(body) {
    S.sending = true;
    store.set('localStorage', 'pending.' + S.key, body);  // a reload resumes with the same body
    lock(true);
    confirmStep(false);
    $('submit').disabled = true;
    show($('submit'), false);
    let answer = null;
    for (let attempt = 0; answer === null; attempt += 1) {
      if (isOffline()) {
        // Queued: kept on this phone (pending) and sent the moment the network is back (the
        // "online" event), or when the voter taps "Retry now".
        barStatus(t('You are offline: your ballot is queued on this phone and will be sent when the network is back.'), 'queued', true);
        await new Promise(function (resolve) { S.retryNow = resolve; });
        S.retryNow = null;
        attempt = 0;
      }
      barStatus(attempt ? t('Sending again…') : t('Sending your ballot…'), 'busy', false);
      try {
        answer = await postJSON(URLS.ballots, body);
      } catch (e) {
        if (isOffline()) {
          attempt = -1;  // queued at the top of the loop
        } else if (attempt + 1 >= AUTO_RETRIES) {
          barStatus(t('Not sent: no connection. Your scores are kept on this phone. Try again when the network is back.'), 'error', true);
          await new Promise(function (resolve) { S.retryNow = resolve; });
          attempt = -1;
        } else {
          await wait(backoff(attempt), function (left) {
            barStatus(t('Not sent yet: no connection. Retrying in %(seconds)s s (attempt %(attempt)s)…', { seconds: left, attempt: attempt + 2 }), 'error', true);
          });
        }
      }
    }
    S.sending = false;
    show($('submit'), true);
    syncBar();
    if (answer.status === 201 && answer.data.receipt) {
      const kept = {
        receipt: answer.data.receipt,
        event: S.card && S.card.event ? S.card.event.name : '',
        panel: $('event-meta').textContent,
      };
      store.set('localStorage', 'receipt.' + S.key, JSON.stringify(kept));
      store.del('localStorage', 'draft.' + S.key);
      store.del('localStorage', 'pending.' + S.key);
      store.del('localStorage', 'lookup.' + S.key);
      barStatus('', '', false);
      showReceipt(kept);
      return;
    }
    store.del('localStorage', 'pending.' + S.key);
    refused(answer);
  }

  function refused(answer) {
    const data = answer.data || {};
    if (answer.status === 409) {
      lock(true);
      barStatus('', '', false);
      notice('refused', t('This card has already been used'),
        t('This card was used for another ballot, so this one was not accepted. Each ballot card votes once.'),
        [{ label: t('Use another card'), run: otherCard }]);
      return;
    }
    lock(false);
    refresh();
    if (answer.status === 403 && data.code === 'voting_not_open') {
      barStatus(t('Voting is not open at the moment. Your scores are kept on this phone: submit again when voting opens.'), 'error', false);
      return;
    }
    if (answer.status === 403) {
      barStatus(t('This ballot card is not valid. Check the code and try again.'), 'error', false);
      return;
    }
    if (answer.status === 422 && data.unit) {
      S.refused = { track: data.track, unit: data.unit };
      refresh();
      const track = S.tracks.filter(function (tr) { return tr.key === data.track; })[0];
      const unit = track ? track.units.filter(function (u) { return u.key === data.unit; })[0] : null;
      if (track && unit) goTo({ track: track, unit: unit });
    }
    barStatus(t('The ballot was not accepted: %(reason)s', { reason: data.detail || t('a rule was broken.') }), 'error', false);
  }

  function showReceipt(kept) {
    if (kept.event) setHeader(kept.event, kept.panel || '');
    $('receipt-code').textContent = kept.receipt;
    screen('receipt');
    const heading = $('receipt-title');
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }

  // --- start ---------------------------------------------------------------------------------------

  function languageSwitch() {
    const bar = $('lang');
    if (!bar || !CONF.languages) return;
    (CONF.languages || []).forEach(function (lang) {
      const current = lang[0] === CONF.language;
      bar.appendChild(h('button', {
        type: 'button', lang: lang[0], className: 'lang-btn', 'aria-pressed': current ? 'true' : 'false', disabled: current,
        text: lang[1], onclick: function () {
          document.cookie = (CONF.languageCookie || 'django_language') + '=' + encodeURIComponent(lang[0]) + '; path=/; max-age=31536000; samesite=lax';
          location.reload();
        },
      }));
    });
  }

  function start() {
    keepOffline();
    languageSwitch();
    $('code-form').addEventListener('submit', onCodeSubmit);
    $('code-resume').addEventListener('click', function () {
      const secret = store.get('localStorage', 'card');
      if (secret) openCard(secret);
    });
    $('loading-retry').addEventListener('click', function () { if (S.retryNow) S.retryNow(); });
    $('retry').addEventListener('click', function () { if (S.retryNow) S.retryNow(); });
    $('other-card').addEventListener('click', otherCard);
    $('receipt-other').addEventListener('click', otherCard);
    $('submit').addEventListener('click', onSubmitClick);
    $('confirm-yes').addEventListener('click', onConfirm);
    $('confirm-no').addEventListener('click', function () { confirmStep(false); $('submit').focus(); });
    $('bar-reason').addEventListener('click', function () { goTo(S.target); });
    const tracks = $('tracks');
    tracks.addEventListener('input', onInput);
    tracks.addEventListener('click', onClick);
    tracks.addEventListener('change', onChange);
    window.addEventListener('offline', function () { if (!S.sending) banner('warn', t('You are offline. Your scores are kept on this phone.')); });
    window.addEventListener('online', function () { banner('', ''); if (S.retryNow) S.retryNow(); });
    window.addEventListener('resize', fitBar);
    window.addEventListener('hashchange', function () { if (location.hash.length > 1) location.reload(); });

    const secret = secretFromHash() || store.get('sessionStorage', 'card') || store.get('localStorage', 'card');
    if (secret) openCard(secret);
    else showCodeForm(null);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
