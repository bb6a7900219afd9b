// The Postmaster admin console. One admin WAMP session per realm over <context>/admin/ws (the container admitted the
// user; the router makes every session there an admin session with the meta API and kill rights). Everything shown
// comes from the router's meta API and meta events, plus <context>/metrics when the router serves it.
// Client data (authids, URIs) is only ever put into the page as text, never as HTML.
import { sample } from './metrics.js';

const SAMPLE_MS = 2000;
const WINDOW_POINTS = 150; // 5 minutes
const LOG_MAX = 200;
const DETAILS_MAX = 500; // sessions per realm whose details are fetched

const base = location.pathname.replace(/\/admin(\/.*)?$/, '');
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base + '/admin/ws';
// absolute, from the origin: a page opened as http://user:password@host/… would otherwise fetch with credentials in
// the URL, which fetch() refuses
const metricsUrl = location.origin + base + '/metrics';
const infoUrl = location.origin + base + '/admin/api/info';
const realmsUrl = location.origin + base + '/admin/api/realms';
const REALMS_MS = 5000; // how often the list of realms served is read again (realms come and go at runtime)

// The router answers a list of sessions longer than postmaster.session-list-max with this error, never a shorter list
const LIMIT_REACHED = 'postmaster.error.limit_reached';

const state = {
  realms: new Map(), // name -> {session, connected, sessions: Map(id -> details), registrations: [], subscriptions: [],
  //                    listRefused: why the router would not list the realm's sessions, or null}
  authroles: null, // the authroles whose sessions are listed (the router filters), or null for all
  selected: null, // {realm, id}
  series: { t: [], sessions: [], messages: [], errors: [] },
  metrics: false,
};

// ---- DOM helpers: text only ----
const $ = (id) => document.getElementById(id);
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}
function replaceRows(table, rows) {
  const body = $(table).tBodies[0];
  body.replaceChildren(...rows);
}

// ---- views ----
function show(view) {
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view);
  render();
}
window.addEventListener('hashchange', () => show(location.hash.slice(1) || 'overview'));

function status(text, bad) {
  $('status').textContent = text;
  $('status').classList.toggle('bad', !!bad);
}

function allSessions() {
  const out = [];
  for (const [realm, r] of state.realms) for (const d of r.sessions.values()) out.push({ realm, ...d });
  return out;
}

function render() {
  renderOverview();
  renderSessions();
  renderRealms();
  renderRegistrations();
  renderSubscriptions();
}

function renderOverview() {
  let total = 0;
  for (const r of state.realms.values()) total += r.count ?? r.sessions.size;
  $('tile-sessions').textContent = String(total);
  $('tile-realms').textContent = String(state.realms.size);
  const n = state.series.t.length;
  $('tile-messages').textContent = state.metrics && n ? state.series.messages[n - 1].toFixed(1) : 'n/a';
  $('tile-errors').textContent = state.metrics && n ? state.series.errors[n - 1].toFixed(2) : 'n/a';
}

function who(realm, id) {
  const d = state.realms.get(realm)?.sessions.get(id);
  return d ? `${id} (${d.authid}, ${d.authrole})` : String(id);
}

function renderSessions() {
  const filter = $('session-filter').value.trim().toLowerCase();
  const rows = [];
  const all = allSessions().sort((a, b) => a.realm.localeCompare(b.realm) || a.session - b.session);
  let shown = 0;
  for (const s of all) {
    const text = [s.realm, s.session, s.authid, s.authrole, s.authmethod].join(' ').toLowerCase();
    if (filter && !text.includes(filter)) continue;
    shown++;
    const own = state.realms.get(s.realm)?.ownId === s.session;
    const isSelected = state.selected && state.selected.realm === s.realm && state.selected.id === s.session;
    const tr = el('tr', { class: (s.authmethod === 'postmaster-admin' ? 'admin ' : '') + (isSelected ? 'selected' : ''),
      'data-session': String(s.session) },
      el('td', {}, s.realm), el('td', {}, el('code', {}, s.session)), el('td', {}, s.authid), el('td', {}, s.authrole),
      el('td', {}, s.authmethod), el('td', {}, [s.transport?.type, s.transport?.protocol, s.transport?.peer].filter(Boolean).join(' ')),
      el('td', {}, own ? 'this console' : el('button', { class: 'select', onclick: () => select(s.realm, s.session) }, 'details')));
    rows.push(tr);
  }
  replaceRows('sessions-table', rows);
  $('session-count').textContent = `${shown} of ${all.length} sessions`
    + (state.authroles ? ` of authrole ${state.authroles.join(', ')}` : '');
  // a realm whose sessions are too many to list: the router's count and limit, and what to do
  const refused = [...state.realms].filter(([, r]) => r.listRefused).map(([name, r]) => `${name}: ${r.listRefused}`);
  $('session-limit').hidden = refused.length === 0;
  $('session-limit').textContent = refused.length === 0 ? ''
    : `Too many sessions to list (${refused.join('; ')}). Enter authroles above to list only their sessions.`;
  const sel = state.selected && state.realms.get(state.selected.realm)?.sessions.get(state.selected.id);
  $('session-details').hidden = !sel;
  if (sel) {
    $('details-id').textContent = `${state.selected.id} on ${state.selected.realm}`;
    $('details-json').textContent = JSON.stringify(sel, null, 2);
  }
}

function select(realm, id) {
  state.selected = { realm, id };
  $('kill-result').textContent = '';
  renderSessions();
}

function renderRealms() {
  replaceRows('realms-table', [...state.realms].map(([name, r]) => el('tr', { 'data-realm': name },
    el('td', {}, name), el('td', {}, r.configured ? 'configuration' : 'added at runtime'),
    el('td', {}, r.connected ? 'connected' : 'disconnected'), el('td', {}, r.count ?? r.sessions.size),
    el('td', {}, r.registrations.length), el('td', {}, r.subscriptions.length),
    el('td', {}, el('button', { class: 'remove-realm', onclick: () => removeRealm(name) }, 'remove')))));
}

// ---- realms: the list the router serves, read again and again; add, change, remove through the admin API ----
async function realmsApi(method, name, body) {
  const res = await fetch(realmsUrl + (name ? '/' + encodeURIComponent(name) : ''), {
    method, credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body,
  });
  let answer = {};
  try { answer = await res.json(); } catch (e) { /* no JSON body */ }
  return { ok: res.ok, status: res.status, answer };
}

async function reloadRealms() {
  const { ok, answer } = await realmsApi('GET');
  if (!ok || !Array.isArray(answer.realms)) return;
  const served = new Map(answer.realms.map((r) => [r.name, r]));
  for (const [name, r] of state.realms) {
    if (!served.has(name)) { // removed: stop this realm's admin session and its retries
      r.removed = true;
      try { if (r.conn) r.conn.close(); } catch (e) { /* closed already */ }
      state.realms.delete(name);
      if (state.selected && state.selected.realm === name) state.selected = null;
    }
  }
  for (const [name, info] of served) {
    if (!state.realms.has(name)) connect(name);
    state.realms.get(name).configured = info.configured;
  }
  render();
}

async function removeRealm(name) {
  const { ok, answer } = await realmsApi('DELETE', name);
  $('realm-result').textContent = ok ? `realm ${name} removed; ${answer.sessionsClosed} session(s) told GOODBYE`
    : `not removed: ${answer.error || 'error'}`;
  await reloadRealms();
}

// the sessions of a registration or subscription: {ids} or, when too many to list, {count}
function members(realm, m) {
  return m.ids ? [m.ids.length, m.ids.map((id) => who(realm, id)).join(', ')] : [m.count, 'too many to list'];
}

function renderRegistrations() {
  const rows = [];
  for (const [realm, r] of state.realms) for (const g of r.registrations) {
    const [n, names] = members(realm, g.callees);
    rows.push(el('tr', { 'data-registration': String(g.id) }, el('td', {}, realm), el('td', {}, el('code', {}, g.uri)),
      el('td', {}, g.match), el('td', {}, g.invoke), el('td', {}, n), el('td', {}, names)));
  }
  replaceRows('registrations-table', rows);
}

function renderSubscriptions() {
  const rows = [];
  for (const [realm, r] of state.realms) for (const s of r.subscriptions) {
    const [n, names] = members(realm, s.subscribers);
    rows.push(el('tr', { 'data-subscription': String(s.id) }, el('td', {}, realm), el('td', {}, el('code', {}, s.uri)),
      el('td', {}, s.match), el('td', {}, n), el('td', {}, names)));
  }
  replaceRows('subscriptions-table', rows);
}

function logEvent(realm, topic, args) {
  const log = $('event-log');
  log.prepend(el('li', {}, new Date().toISOString().slice(11, 23), ' ', realm, ' ',
    el('span', { class: 'topic' }, topic), ' ', JSON.stringify(args ?? [])));
  while (log.children.length > LOG_MAX) log.lastChild.remove();
}

// ---- charts ----
let charts = null;
function makeCharts() {
  if (typeof uPlot === 'undefined') return null;
  const mk = (id, label, color) => new uPlot({
    width: Math.max($(id).clientWidth, 300), height: 200,
    scales: { x: { time: true } },
    series: [{}, { label, stroke: color, width: 2, fill: color + '22' }],
    axes: [{}, { size: 50 }],
  }, [[], []], $(id));
  return {
    sessions: mk('chart-sessions', 'sessions', '#2563eb'),
    messages: mk('chart-messages', 'messages/s', '#059669'),
    errors: mk('chart-errors', 'errors/s', '#b91c1c'),
  };
}

async function tick() {
  // the session count of every realm, from the meta API
  await Promise.all([...state.realms.values()].map(async (r) => {
    if (!r.session) return;
    try {
      r.count = await r.session.call('wamp.session.count');
    } catch (e) { /* reconnecting */ }
  }));
  let total = 0;
  for (const r of state.realms.values()) total += r.count ?? 0;
  const rates = await sample(metricsUrl);
  state.metrics = rates !== null;
  $('metrics-missing').hidden = state.metrics;
  const s = state.series;
  s.t.push(Date.now() / 1000);
  s.sessions.push(total);
  s.messages.push(rates ? rates.messages : null);
  s.errors.push(rates ? rates.errors : null);
  for (const k of Object.keys(s)) if (s[k].length > WINDOW_POINTS) s[k].shift();
  if (!charts) charts = makeCharts();
  if (charts) {
    charts.sessions.setData([s.t, s.sessions]);
    charts.messages.setData([s.t, s.messages]);
    charts.errors.setData([s.t, s.errors]);
  }
  document.body.dataset.samples = String(s.t.length); // how many points the charts have (the browser test reads it)
  renderOverview();
  renderRealms();
}

// ---- the meta API, per realm ----
// Whether the router refused to list sessions because they are more than postmaster.session-list-max
function tooMany(e) {
  return e && e.error === LIMIT_REACHED;
}

// the sessions of one realm (of the authroles asked for, if any); past the router's limit, why not and none
async function refreshSessions(name, r) {
  const roles = state.authroles;
  let ids;
  try {
    ids = await r.session.call('wamp.session.list', roles ? [roles] : []);
  } catch (e) {
    if (!tooMany(e)) throw e;
    r.listRefused = e.args && e.args.length ? String(e.args[0]) : 'the router lists no more';
    r.sessions = new Map();
    return;
  }
  const sessions = new Map();
  for (const id of ids.slice(0, DETAILS_MAX)) {
    try {
      sessions.set(id, await r.session.call('wamp.session.get', [id]));
    } catch (e) { /* left meanwhile */ }
  }
  r.listRefused = null;
  r.sessions = sessions;
  if (!roles) r.count = ids.length;
}

// Whether a session that joined belongs in the list shown: not while the realm's list is too long, and only of the
// authroles asked for
function listed(r, details) {
  return !r.listRefused && (!state.authroles || state.authroles.includes(details.authrole));
}

// the sessions of a registration or subscription: their IDs, or how many when they are too many to list
async function sessionsOf(r, list, count, id) {
  try {
    return { ids: await r.session.call(list, [id]) };
  } catch (e) {
    if (!tooMany(e)) throw e;
    return { ids: null, count: await r.session.call(count, [id]) };
  }
}

async function refreshTables(name, r) {
  const regs = [];
  const lists = await r.session.call('wamp.registration.list');
  for (const id of [].concat(lists.exact || [], lists.prefix || [], lists.wildcard || [])) {
    try {
      const d = await r.session.call('wamp.registration.get', [id]);
      d.callees = await sessionsOf(r, 'wamp.registration.list_callees', 'wamp.registration.count_callees', id);
      regs.push(d);
    } catch (e) { /* gone meanwhile */ }
  }
  const subs = [];
  const slists = await r.session.call('wamp.subscription.list');
  for (const id of [].concat(slists.exact || [], slists.prefix || [], slists.wildcard || [])) {
    try {
      const d = await r.session.call('wamp.subscription.get', [id]);
      d.subscribers = await sessionsOf(r, 'wamp.subscription.list_subscribers', 'wamp.subscription.count_subscribers',
        id);
      subs.push(d);
    } catch (e) { /* gone meanwhile */ }
  }
  r.registrations = regs;
  r.subscriptions = subs;
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

function connect(name) {
  const r = { session: null, connected: false, sessions: new Map(), registrations: [], subscriptions: [], count: null,
    configured: true, removed: false, conn: null, listRefused: null };
  state.realms.set(name, r);
  const refresh = debounce(() => refreshTables(name, r).then(render, () => {}), 300);
  const conn = new autobahn.Connection({ url: wsUrl, realm: name, protocols: ['wamp.2.json'],
    max_retries: -1, initial_retry_delay: 1, max_retry_delay: 10 });
  r.conn = conn;
  conn.onopen = async (session, details) => {
    // Autobahn|JS answers the router's GOODBYE (a realm removed) with a send that waits for its serializer, and
    // closes the transport at once (its onleave): the answer then meets a closing WebSocket (an error in the browser
    // console) and never reaches the router. Closing a moment later lets the answer go first.
    const onleave = session.onleave;
    session.onleave = (...args) => setTimeout(() => onleave.apply(session, args), 0);
    r.session = session;
    r.connected = true;
    r.ownId = session.id;
    status(`connected as ${details.authid} (${details.authrole})`);
    session.subscribe('wamp.session.on_join', (args) => {
      const d = args[0];
      if (d && d.session && listed(r, d)) r.sessions.set(d.session, d);
      logEvent(name, 'wamp.session.on_join', args);
      render();
    });
    session.subscribe('wamp.session.on_leave', (args) => {
      r.sessions.delete(args[0]);
      if (state.selected && state.selected.realm === name && state.selected.id === args[0]) state.selected = null;
      logEvent(name, 'wamp.session.on_leave', args);
      render();
    });
    for (const t of ['wamp.subscription.on_create', 'wamp.subscription.on_subscribe', 'wamp.subscription.on_unsubscribe',
      'wamp.subscription.on_delete', 'wamp.registration.on_create', 'wamp.registration.on_register',
      'wamp.registration.on_unregister', 'wamp.registration.on_delete']) {
      session.subscribe(t, (args) => {
        logEvent(name, t, args);
        refresh();
      });
    }
    for (const step of [refreshSessions, refreshTables]) { // one failing does not keep the other from the page
      try {
        await step(name, r);
      } catch (e) {
        logEvent(name, 'console.error', [String(e && (e.error || e))]);
      }
    }
    render();
  };
  conn.onclose = (reason, details) => {
    r.session = null;
    r.connected = false;
    // the router removed the realm, or it was gone before this session joined it (removed while the console opened it)
    if (details && ['wamp.close.close_realm', 'wamp.error.no_such_realm'].includes(details.reason)) r.removed = true;
    if (r.removed) { // the realm is gone: no retries, no alarm; the list drops it
      if (state.realms.get(name) === r) state.realms.delete(name);
      reloadRealms().catch(() => {});
      render();
      return true;
    }
    status(`realm ${name}: ${reason}${details && details.reason ? ' (' + details.reason + ')' : ''}`, true);
    render();
    return false; // keep retrying
  };
  conn.open();
}

$('session-filter').addEventListener('input', renderSessions);
// the authroles to list: asked of the router (wamp.session.list's filter), so it works where all sessions are too many
$('session-authroles').addEventListener('change', () => {
  const roles = $('session-authroles').value.split(',').map((x) => x.trim()).filter(Boolean);
  state.authroles = roles.length ? roles : null;
  for (const [name, r] of state.realms) if (r.session) refreshSessions(name, r).then(render, () => {});
});
$('realm-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = $('realm-name').value.trim();
  const { ok, status: code, answer } = await realmsApi('PUT', name, $('realm-definition').value.trim() || '{}');
  $('realm-result').textContent = ok ? `realm ${name} ${answer.outcome}`
    : `not saved (${code}): ${answer.error || 'error'}`;
  await reloadRealms();
});
$('kill-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const sel = state.selected;
  const r = sel && state.realms.get(sel.realm);
  if (!r || !r.session) return;
  try {
    await r.session.call('wamp.session.kill', [sel.id], { reason: $('kill-reason').value.trim(), message: $('kill-message').value });
    $('kill-result').textContent = `session ${sel.id} killed`;
  } catch (e) {
    $('kill-result').textContent = `not killed: ${e.error || e}${e.args && e.args.length ? ' — ' + e.args[0] : ''}`;
  }
});

async function start() {
  const res = await fetch(infoUrl, { credentials: 'same-origin' });
  if (!res.ok) {
    status(`the console's API answered ${res.status}`, true);
    return;
  }
  const info = await res.json();
  status(`signed in as ${info.user}`);
  for (const realm of info.realms) connect(realm);
  show(location.hash.slice(1) || 'overview');
  await reloadRealms();
  setInterval(() => reloadRealms().catch(() => {}), REALMS_MS);
  await tick();
  setInterval(tick, SAMPLE_MS);
  // the lists change without meta events too (a session's details): re-read them now and then
  setInterval(() => {
    for (const [name, r] of state.realms) if (r.session) refreshSessions(name, r).then(render, () => {});
  }, 15000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
