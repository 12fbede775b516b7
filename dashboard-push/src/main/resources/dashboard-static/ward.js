// VitalFlow ward dashboard: one WebSocket to dashboard-push (docs/dashboard-protocol.md), no libraries.
// Login: authorization code + PKCE against the issuer named by /api/v1/dashboard/login; the access token
// is kept in memory only, refreshed before it expires, and traded for a single-use ticket per connection.
'use strict';
(function () {
  /** A tile turns "stale" after this long without a reading, and "sensor off" after SENSOR_OFF_MS. */
  const STALE_MS = 60 * 1000;
  const SENSOR_OFF_MS = 5 * 60 * 1000;
  /** How much heart-rate history the sparkline shows. */
  const SPARK_WINDOW_MS = 10 * 60 * 1000;
  /** The server's default heartbeat interval; we ping this often and give up on silence of 2.5 times it. */
  const PING_MS = 15 * 1000;
  const SILENCE_MS = 2.5 * PING_MS;
  const RECONNECT_MIN_MS = 500;
  const RECONNECT_MAX_MS = 15 * 1000;

  const CODES = {
    '8867-4': { digits: 0 }, '59408-5': { digits: 0 }, '8480-6': { digits: 0 }, '8462-4': { digits: 0 },
    '9279-1': { digits: 0 }, '8310-5': { digits: 1 },
  };
  const HR = '8867-4';

  /** sessionStorage keys that carry the PKCE verifier, state and the page's own query across the redirect. */
  const PKCE_VERIFIER = 'vitalflow.pkce.verifier';
  const PKCE_STATE = 'vitalflow.pkce.state';
  const PKCE_RETURN = 'vitalflow.pkce.return';
  /** Refresh the access token when this fraction of its lifetime has passed. */
  const REFRESH_AT = 0.75;

  // back from the authorization server: the page's own query was saved before the redirect
  const callback = new URLSearchParams(location.search);
  const returning = (callback.has('code') || callback.has('error')) && sessionStorage.getItem(PKCE_STATE) !== null;
  const params = returning ? new URLSearchParams(sessionStorage.getItem(PKCE_RETURN) || '') : callback;
  const ward = params.get('ward');
  const patientList = (params.get('patients') || '').split(',').map(s => s.trim()).filter(Boolean);

  const tilesEl = document.getElementById('tiles');
  const alertsEl = document.getElementById('alerts');
  const connectionEl = document.getElementById('connection');
  const template = document.getElementById('tile-template');

  /** patientId -> {el, vitals: {code: {value, unit, time}}, series: [[ms, value]], lastReading: ms} */
  const patients = new Map();
  /** alertId -> alert payload (with patientId) */
  const alerts = new Map();
  /** alertId of a resolved alert -> the ALERT_RESOLVED alert that resolves it (e.g. a drug was stopped) */
  const resolutions = new Map();
  let watched = null; // patient ids of the subscription in force (from `subscribed`)

  let socket = null;
  let instance = null;
  let lastSeq = null;
  let reconnectDelay = RECONNECT_MIN_MS;
  let lastHeard = 0;
  let clockSkew = 0; // server time - local time, from heartbeats
  let requestCounter = 0;
  const pendingAcks = new Map(); // requestId -> alertId
  /** Login state: the settings from the server, and the tokens (memory only, never stored). */
  const auth = { config: null, accessToken: null, refreshToken: null, expiresAt: 0, refreshTimer: null };

  if (!ward && patientList.length === 0) {
    document.getElementById('choose').hidden = false;
    setConnection('closed', 'Choose a ward or patients to watch.');
    return;
  }
  document.getElementById('title').textContent = ward ? 'Ward ' + ward : 'Patients ' + patientList.join(', ');
  document.title = (ward ? 'Ward ' + ward : 'Patients') + ' · VitalFlow';

  // ---- connection ---------------------------------------------------------------------------------

  async function connect() {
    setConnection('connecting', 'Connecting…');
    let ticket = null;
    if (auth.config && auth.config.enabled) {
      try {
        ticket = await getTicket();
      } catch (e) {
        if (e.message !== 'login') reconnectLater();
        return;
      }
    }
    const url = new URL('api/v1/dashboard/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (ward) url.searchParams.set('ward', ward); else url.searchParams.set('patients', patientList.join(','));
    if (instance && lastSeq !== null) url.searchParams.set('resume', instance + ':' + lastSeq);
    if (ticket) url.searchParams.set('ticket', ticket);
    const ws = new WebSocket(url);
    socket = ws;
    lastHeard = Date.now();
    ws.onopen = () => { reconnectDelay = RECONNECT_MIN_MS; lastHeard = Date.now(); };
    ws.onmessage = event => {
      lastHeard = Date.now();
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      handle(message);
    };
    ws.onclose = event => {
      if (socket !== ws) return;
      socket = null;
      if (event.code === 4401) { // token-expired: reconnect at once with a fresh token (resuming) or sign in again
        reconnectDelay = RECONNECT_MIN_MS;
        setTimeout(connect, 0);
        return;
      }
      reconnectLater();
    };
  }

  function reconnectLater() {
    setConnection('closed', 'Disconnected; reconnecting in ' + Math.round(reconnectDelay / 1000) + ' s…');
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  // ---- login: authorization code + PKCE (RFC 7636), tokens in memory -------------------------------

  async function start() {
    try {
      const response = await fetch('api/v1/dashboard/login', { cache: 'no-store' });
      auth.config = await response.json();
    } catch (e) {
      auth.config = { enabled: false };
    }
    if (auth.config.enabled) {
      if (!returning) { await beginLogin(); return; }
      if (!await finishLogin()) return;
    }
    connect();
  }

  function base64url(bytes) {
    let text = '';
    bytes.forEach(b => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomString(length) {
    const bytes = new Uint8Array(length);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  /** Where the authorization server sends the code: /ward/callback, which redirects to this page. */
  function redirectUri() {
    return new URL('ward/callback', location.origin + location.pathname).toString();
  }

  async function beginLogin() {
    const verifier = randomString(32);
    const state = randomString(16);
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
    sessionStorage.setItem(PKCE_VERIFIER, verifier);
    sessionStorage.setItem(PKCE_STATE, state);
    sessionStorage.setItem(PKCE_RETURN, returning ? (sessionStorage.getItem(PKCE_RETURN) || '') : location.search);
    const url = new URL(auth.config.authorizationUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', auth.config.clientId);
    url.searchParams.set('redirect_uri', redirectUri());
    url.searchParams.set('scope', auth.config.scope);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    setConnection('connecting', 'Signing in…');
    location.assign(url.toString());
  }

  async function finishLogin() {
    const state = sessionStorage.getItem(PKCE_STATE);
    const verifier = sessionStorage.getItem(PKCE_VERIFIER);
    const back = sessionStorage.getItem(PKCE_RETURN) || '';
    [PKCE_STATE, PKCE_VERIFIER, PKCE_RETURN].forEach(key => sessionStorage.removeItem(key));
    history.replaceState(null, '', location.pathname + back); // the code leaves the address bar
    if (callback.has('error') || callback.get('state') !== state || !verifier) {
      setConnection('closed', 'Sign-in failed: ' + (callback.get('error') || 'the answer did not match this page') + '. Reload to try again.');
      return false;
    }
    try {
      await tokenRequest({
        grant_type: 'authorization_code', code: callback.get('code'), redirect_uri: redirectUri(),
        client_id: auth.config.clientId, code_verifier: verifier,
      });
      return true;
    } catch (e) {
      setConnection('closed', 'Sign-in failed (' + e.message + '). Reload to try again.');
      return false;
    }
  }

  async function tokenRequest(form) {
    const response = await fetch(auth.config.tokenUri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    if (!response.ok) throw new Error('token endpoint answered ' + response.status);
    const tokens = await response.json();
    auth.accessToken = tokens.access_token;
    if (tokens.refresh_token) auth.refreshToken = tokens.refresh_token;
    const lifetime = (tokens.expires_in || 300) * 1000;
    auth.expiresAt = Date.now() + lifetime;
    clearTimeout(auth.refreshTimer);
    if (auth.refreshToken) { // without one, the next connection after expiry signs in again (refresh())
      auth.refreshTimer = setTimeout(() => { refresh().catch(() => {}); }, lifetime * REFRESH_AT);
    }
    showUser();
  }

  /**
   * A fresh access token from the refresh token; without one (the local authorization server issues none to
   * public clients) or when refused, sign in again: a redirect that, with a session at the authorization
   * server, comes straight back without a prompt (the page then starts from a fresh snapshot).
   */
  async function refresh() {
    if (auth.refreshToken) {
      try {
        await tokenRequest({ grant_type: 'refresh_token', refresh_token: auth.refreshToken, client_id: auth.config.clientId });
        return;
      } catch (e) {
        auth.refreshToken = null;
      }
    }
    await beginLogin();
    throw new Error('login');
  }

  /** A single-use ticket for the next connection (the token itself never goes into a URL). */
  async function getTicket() {
    if (Date.now() > auth.expiresAt - 5000) await refresh();
    const post = () => fetch('api/v1/dashboard/tickets', { method: 'POST', headers: { Authorization: 'Bearer ' + auth.accessToken } });
    let response = await post();
    if (response.status === 401) { await refresh(); response = await post(); }
    if (!response.ok) throw new Error('ticket refused: ' + response.status);
    return (await response.json()).ticket;
  }

  function showUser() {
    const el = document.getElementById('user');
    try {
      const claims = JSON.parse(atob(auth.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      el.textContent = claims.sub || '';
      el.dataset.user = claims.sub || '';
    } catch (e) {
      el.textContent = '';
    }
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  setInterval(() => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeard > SILENCE_MS) { socket.close(); return; } // onclose reconnects
    send({ type: 'ping', requestId: 'ping-' + (++requestCounter) });
  }, PING_MS);

  function setConnection(state, text) {
    connectionEl.dataset.state = state;
    connectionEl.textContent = text;
  }

  // ---- messages -----------------------------------------------------------------------------------

  function handle(m) {
    switch (m.type) {
      case 'subscribed':
        instance = m.instance;
        watched = m.patients || [];
        setConnection('open', 'Live' + (m.resume === 'replayed' ? ' (resumed)' : ''));
        watched.forEach(tile);
        for (const id of [...patients.keys()]) {
          if (!watched.includes(id)) removePatient(id);
        }
        updateEmpty();
        break;
      case 'snapshot':
        lastSeq = m.seq;
        applySnapshot(m.patients || []);
        break;
      case 'vital':
        lastSeq = m.seq;
        applyVital(m.patientId, m);
        break;
      case 'aggregate':
        lastSeq = m.seq;
        break; // the tile shows the latest readings; aggregates only seed the sparkline from a snapshot
      case 'news2':
        lastSeq = m.seq;
        applyNews2(m.patientId, m);
        break;
      case 'alert':
        lastSeq = m.seq;
        putAlert(Object.assign({}, m, { patientId: m.patientId }));
        break;
      case 'alert-ack':
        lastSeq = m.seq;
        markAcknowledged(m.alertId, m.acknowledgedAt, m.acknowledgedBy);
        break;
      case 'heartbeat':
        if (m.time) clockSkew = Date.parse(m.time) - Date.now();
        break;
      case 'error':
        if (m.requestId && pendingAcks.has(m.requestId)) {
          const alertId = pendingAcks.get(m.requestId);
          pendingAcks.delete(m.requestId);
          const alert = alerts.get(alertId);
          if (alert) { alert.pending = false; alert.error = m.message; renderAlert(alert); }
        } else {
          setConnection(connectionEl.dataset.state, connectionEl.textContent + ' — ' + m.message);
        }
        break;
      default:
        break;
    }
  }

  function applySnapshot(list) {
    for (const p of list) {
      const t = tile(p.patientId);
      t.vitals = {};
      t.series = [];
      t.lastReading = 0;
      for (const a of (p.aggregates || [])) {
        if (a.code === HR && a.windowStart) t.series.push([Date.parse(a.windowStart) + 30000, a.mean]);
      }
      for (const v of (p.vitals || [])) applyVital(p.patientId, v);
      setNews2(t, p.news2);
      for (const a of alerts.values()) {
        if (a.patientId === p.patientId) { alerts.delete(a.alertId); a.el && a.el.remove(); }
      }
      forgetResolutions(p.patientId);
      for (const a of (p.alerts || [])) putAlert(Object.assign({ patientId: p.patientId }, a));
      renderTile(p.patientId);
    }
    updateEmpty();
    updateAlertCounts();
  }

  function applyVital(patientId, v) {
    const t = tile(patientId);
    const time = Date.parse(v.effectiveTime);
    const previous = t.vitals[v.code];
    if (previous && previous.time > time) return; // an older reading than the one shown
    t.vitals[v.code] = { value: v.value, unit: v.unit, time };
    if (time > t.lastReading) t.lastReading = time;
    if (v.code === HR) {
      t.series.push([time, v.value]);
      t.series.sort((a, b) => a[0] - b[0]);
    }
    renderTile(patientId);
  }

  function applyNews2(patientId, n) {
    const t = tile(patientId);
    if (t.news2 && n.computedAt && t.news2.computedAt && Date.parse(n.computedAt) < Date.parse(t.news2.computedAt)) return;
    setNews2(t, n);
  }

  function setNews2(t, n) {
    t.news2 = n || null;
    const badge = t.el.querySelector('.news2');
    badge.dataset.band = n ? n.band : '';
    badge.querySelector('.score').textContent = n ? String(n.score) : '–';
    badge.title = n ? 'NEWS2 ' + n.score + ', band ' + n.band.replace('_', '-') + (n.complete ? '' : ' (incomplete)') : 'NEWS2 not known';
    badge.setAttribute('aria-label', badge.title);
  }

  // ---- tiles --------------------------------------------------------------------------------------

  function tile(patientId) {
    let t = patients.get(patientId);
    if (t) return t;
    const el = template.content.firstElementChild.cloneNode(true);
    el.dataset.patient = patientId;
    el.id = 'tile-' + patientId;
    el.querySelector('.patient').textContent = patientId;
    el.setAttribute('aria-label', 'Patient ' + patientId);
    t = { el, vitals: {}, series: [], lastReading: 0, news2: null };
    patients.set(patientId, t);
    // keep tiles in patient id order (natural: sim-2 before sim-10)
    const ids = [...patients.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const next = ids[ids.indexOf(patientId) + 1];
    tilesEl.insertBefore(el, next ? patients.get(next).el : null);
    updateEmpty();
    return t;
  }

  function removePatient(patientId) {
    const t = patients.get(patientId);
    if (t) t.el.remove();
    patients.delete(patientId);
    for (const a of [...alerts.values()]) {
      if (a.patientId === patientId) { alerts.delete(a.alertId); a.el && a.el.remove(); }
    }
    forgetResolutions(patientId);
    updateAlertCounts();
  }

  function forgetResolutions(patientId) {
    for (const [id, r] of [...resolutions]) if (r.patientId === patientId) resolutions.delete(id);
  }

  function renderTile(patientId) {
    const t = patients.get(patientId);
    if (!t) return;
    for (const code of Object.keys(CODES)) {
      const holder = t.el.querySelector('[data-code="' + code + '"] .value');
      const v = t.vitals[code];
      holder.textContent = v ? format(v.value, CODES[code].digits) : '–';
    }
    drawSparkline(t);
    renderAge(t);
  }

  function format(value, digits) {
    return typeof value === 'number' ? value.toFixed(digits) : '–';
  }

  function drawSparkline(t) {
    const now = Date.now() + clockSkew;
    t.series = t.series.filter(p => p[0] >= now - SPARK_WINDOW_MS);
    const line = t.el.querySelector('.spark polyline');
    if (t.series.length < 2) { line.setAttribute('points', ''); return; }
    let min = Infinity, max = -Infinity;
    for (const p of t.series) { min = Math.min(min, p[1]); max = Math.max(max, p[1]); }
    if (max - min < 10) { const mid = (max + min) / 2; min = mid - 5; max = mid + 5; }
    const x0 = now - SPARK_WINDOW_MS;
    line.setAttribute('points', t.series.map(p =>
      ((p[0] - x0) / SPARK_WINDOW_MS * 200).toFixed(1) + ',' + (38 - (p[1] - min) / (max - min) * 36).toFixed(1)).join(' '));
  }

  function renderAge(t) {
    const age = t.el.querySelector('.age');
    if (!t.lastReading) { t.el.dataset.state = 'no-data'; age.textContent = 'no readings'; return; }
    const ms = Math.max(0, Date.now() + clockSkew - t.lastReading);
    const state = ms > SENSOR_OFF_MS ? 'sensor-off' : ms > STALE_MS ? 'stale' : 'fresh';
    t.el.dataset.state = state;
    const ago = ago_(ms);
    age.textContent = state === 'sensor-off' ? 'Sensor off? last reading ' + ago
      : state === 'stale' ? 'Stale: last reading ' + ago : ago;
  }

  function ago_(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s ago';
    return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min ago';
  }

  setInterval(() => { for (const t of patients.values()) renderAge(t); }, 1000);
  setInterval(() => { for (const t of patients.values()) drawSparkline(t); }, 10000);

  function updateEmpty() {
    document.getElementById('empty').hidden = patients.size > 0;
  }

  // ---- alerts -------------------------------------------------------------------------------------

  function putAlert(a) {
    if (a.kind === 'ALERT_RESOLVED' && a.attributes && a.attributes.resolves) {
      // not an alert of its own: it marks the alert it names as resolved (no longer open, nothing to acknowledge)
      resolutions.set(a.attributes.resolves, a);
      const original = alerts.get(a.attributes.resolves);
      if (original) { renderAlert(original); updateAlertCounts(); }
      return;
    }
    const known = alerts.get(a.alertId);
    if (known) {
      // the same alert from a snapshot and a live event: keep the acknowledgement if either has it
      if (known.acknowledged && !a.acknowledged) return;
      a.el = known.el;
    }
    alerts.set(a.alertId, a);
    renderAlert(a);
    updateAlertCounts();
  }

  function renderAlert(a) {
    let li = a.el;
    if (!li) {
      li = document.createElement('li');
      li.className = 'alert';
      li.dataset.testid = 'alert';
      a.el = li;
      // newest first; of alerts raised at the same time the one that arrived last goes first
      const raised = Date.parse(a.raisedAt) || 0;
      let before = null;
      for (const other of alertsEl.children) {
        const o = alerts.get(other.dataset.alertId);
        if (o && (Date.parse(o.raisedAt) || 0) <= raised) { before = other; break; }
      }
      alertsEl.insertBefore(li, before);
    }
    li.dataset.alertId = a.alertId;
    li.dataset.patient = a.patientId;
    li.dataset.severity = a.severity || '';
    const resolution = resolutions.get(a.alertId);
    li.dataset.state = resolution ? 'resolved' : a.acknowledged ? 'acknowledged' : 'open';
    li.textContent = '';
    const head = document.createElement('div');
    const strong = document.createElement('strong');
    strong.textContent = a.patientId;
    head.append(strong, ' · ', a.title || a.kind || 'Alert');
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = (a.severity || '') + ' · ' + (a.kind || '') + ' · raised ' + clock(a.raisedAt);
    li.append(head, meta);
    if (resolution) {
      const resolved = document.createElement('div');
      resolved.className = 'resolved';
      resolved.dataset.testid = 'resolved';
      resolved.textContent = (resolution.title || 'Resolved') + ' · ' + clock(resolution.raisedAt);
      li.append(resolved);
    } else if (a.acknowledged) {
      const acked = document.createElement('div');
      acked.className = 'acked';
      acked.dataset.testid = 'acknowledged';
      acked.textContent = 'Acknowledged' + (a.acknowledgedBy ? ' by ' + a.acknowledgedBy : '')
        + (a.acknowledgedAt ? ' at ' + clock(a.acknowledgedAt) : '');
      li.append(acked);
    } else {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.testid = 'ack';
      button.textContent = a.pending ? 'Acknowledging…' : 'Acknowledge';
      button.disabled = !!a.pending;
      button.setAttribute('aria-label', 'Acknowledge alert for ' + a.patientId + ': ' + (a.title || ''));
      button.addEventListener('click', () => acknowledge(a.alertId));
      li.append(button);
      if (a.error) {
        const err = document.createElement('div');
        err.className = 'meta';
        err.setAttribute('role', 'alert');
        err.textContent = a.error;
        li.append(err);
      }
    }
  }

  function acknowledge(alertId) {
    const a = alerts.get(alertId);
    if (!a || a.acknowledged) return;
    const requestId = 'ack-' + (++requestCounter);
    if (!send({ type: 'ack', alertId, requestId })) {
      a.error = 'Not connected; try again when the dashboard is live.';
      renderAlert(a);
      return;
    }
    pendingAcks.set(requestId, alertId);
    a.pending = true;
    a.error = null;
    renderAlert(a);
  }

  function markAcknowledged(alertId, at, by) {
    const a = alerts.get(alertId);
    if (!a) return;
    a.acknowledged = true;
    a.acknowledgedAt = at;
    a.acknowledgedBy = by;
    a.pending = false;
    renderAlert(a);
    updateAlertCounts();
  }

  function updateAlertCounts() {
    const open = new Map();
    let total = 0;
    for (const a of alerts.values()) {
      if (!a.acknowledged && !resolutions.has(a.alertId)) { total++; open.set(a.patientId, (open.get(a.patientId) || 0) + 1); }
    }
    const count = document.getElementById('open-count');
    count.textContent = String(total);
    count.toggleAttribute('data-zero', total === 0);
    count.setAttribute('aria-label', total + ' open alerts');
    document.getElementById('no-alerts').hidden = alerts.size > 0;
    for (const [id, t] of patients) {
      const n = open.get(id) || 0;
      t.el.querySelector('.open-alerts').textContent = n ? n + ' open alert' + (n > 1 ? 's' : '') : '';
    }
  }

  function clock(iso) {
    const ms = Date.parse(iso);
    return isNaN(ms) ? '' : new Date(ms).toLocaleTimeString();
  }

  start();
})();
