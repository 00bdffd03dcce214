/*
 * Worklane's predictive engagement for any website: tells Worklane what the visitor does (pages,
 * searches, events) and shows what its action maps decide: an invitation to chat, or help.
 *
 *   <script src="https://worklane.example.com/engage.js" async></script>
 *   <script>window.worklane=window.worklane||function(){(worklane.q=worklane.q||[]).push(arguments)}</script>
 *   worklane('search', 'refund');  worklane('event', 'basket', 42.5);
 *   worklane('identify', { name: 'Eva', email: 'eva@example.com' });  worklane('page');  // single-page sites
 *
 * Also, without code: a page address with ?q= or ?search= is a search, and a click on an element
 * with data-worklane-event="name" is that event. The visitor is a random key kept in this site's
 * localStorage (no cookie). Posts stop after 15 minutes on one page and while the tab is hidden.
 */
(function () {
  var me = document.currentScript;
  if (!me || window.__worklaneEngage) return;
  window.__worklaneEngage = true;
  var base = new URL(me.src).origin;
  var color = me.getAttribute('data-color') || '#228be6';
  var KEY = 'worklane.engage';
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch { saved = {}; }
  var pending = [];
  var beats = 0;
  var MAX_BEATS = 90; // 10 s apart: 15 minutes on one page
  var card = null;
  var panel = null;
  var first = true;

  function keep() {
    try { localStorage.setItem(KEY, JSON.stringify(saved)); } catch { /* private mode: one visit per page */ }
  }
  function externalReferrer() {
    try { return document.referrer && new URL(document.referrer).host !== location.host ? document.referrer : undefined; } catch { return undefined; }
  }
  function post(events) {
    var body = { events: events };
    if (saved.visitor) body.visitor = saved.visitor;
    if (saved.session) body.session = saved.session;
    if (first) {
      body.url = location.href;
      var ref = externalReferrer();
      if (ref) body.referrer = ref;
    }
    first = false;
    return fetch(base + '/api/v1/journey', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), keepalive: true })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        saved.visitor = d.visitor;
        saved.session = d.session;
        keep();
        if (d.offer) show(d.offer);
      })
      .catch(function () { /* Worklane unreachable: the site works on */ });
  }
  function flush() {
    var events = pending;
    pending = [];
    return post(events);
  }
  function page() {
    beats = 0;
    pending.push({ kind: 'page', path: location.pathname, title: document.title.slice(0, 500) });
    var q = new URLSearchParams(location.search);
    var s = q.get('q') || q.get('search');
    if (s) pending.push({ kind: 'search', query: s.slice(0, 500) });
    flush();
  }
  function command(args) {
    var name = args[0];
    if (name === 'page') return page();
    if (name === 'search' && args[1]) pending.push({ kind: 'search', query: String(args[1]).slice(0, 500) });
    else if (name === 'event' && args[1]) pending.push(typeof args[2] === 'number' ? { kind: 'event', name: String(args[1]), value: args[2] } : { kind: 'event', name: String(args[1]) });
    else if (name === 'identify' && args[1]) pending.push({ kind: 'identify', name: args[1].name, email: args[1].email });
    else return;
    flush();
  }

  function answer(offer, value) {
    return fetch(base + '/api/v1/journey/offers/' + encodeURIComponent(offer.id), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: saved.session, answer: value }) })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }
  var BUTTON = 'padding:8px 14px;border-radius:6px;font:600 14px system-ui,sans-serif;cursor:pointer;';
  function closeCard() {
    if (card) card.remove();
    card = null;
    document.removeEventListener('keydown', onKey);
  }
  function onKey(e) {
    if (e.key === 'Escape' && card) card.querySelector('[data-no]').click();
  }
  function show(offer) {
    if (card || panel) return;
    card = el('div', 'position:fixed;right:20px;bottom:20px;z-index:2147483000;width:min(340px,calc(100vw - 40px));padding:16px;border-radius:12px;background:#fff;color:#1a1b1e;box-shadow:0 8px 30px rgba(0,0,0,.3);font:15px/1.4 system-ui,sans-serif');
    card.setAttribute('role', 'dialog');
    card.setAttribute('aria-label', offer.kind === 'chat' ? 'Chat invitation' : offer.title);
    var text = el('p', 'margin:0 0 12px', offer.kind === 'chat' ? offer.message : null);
    if (offer.kind === 'content') {
      card.appendChild(el('strong', 'display:block;margin-bottom:4px', offer.title));
      text.textContent = offer.body;
    }
    card.appendChild(text);
    var row = el('div', 'display:flex;gap:8px;justify-content:flex-end');
    var no = el('button', BUTTON + 'border:1px solid #ced4da;background:#fff;color:#1a1b1e', offer.kind === 'chat' ? 'No thanks' : 'Close');
    no.type = 'button';
    no.setAttribute('data-no', '');
    no.addEventListener('click', function () { closeCard(); answer(offer, 'declined'); });
    var yes = el('button', BUTTON + 'border:0;color:#fff;background:' + color, offer.kind === 'chat' ? 'Chat now' : 'Show me');
    yes.type = 'button';
    yes.addEventListener('click', function () {
      closeCard();
      answer(offer, 'accepted').then(function (r) {
        if (offer.kind === 'chat' && r && r.chatUrl) openChat(base + r.chatUrl);
        else if (offer.url) location.href = new URL(offer.url, location.href).href;
      });
    });
    if (offer.kind === 'content' && !offer.url) yes.style.display = 'none';
    row.appendChild(no);
    row.appendChild(yes);
    card.appendChild(row);
    document.body.appendChild(card);
    document.addEventListener('keydown', onKey);
    yes.focus();
  }
  function openChat(url) {
    panel = el('iframe', 'position:fixed;right:20px;bottom:20px;z-index:2147483000;width:min(420px,calc(100vw - 40px));height:min(640px,calc(100vh - 40px));border:0;border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)');
    panel.src = url;
    panel.title = 'Chat';
    document.body.appendChild(panel);
    var close = el('button', 'position:fixed;right:28px;bottom:min(668px,calc(100vh - 12px));z-index:2147483001;' + BUTTON + 'border:0;background:#495057;color:#fff', 'Close chat');
    close.type = 'button';
    close.addEventListener('click', function () { panel.remove(); close.remove(); panel = null; });
    document.body.appendChild(close);
  }

  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest('[data-worklane-event]') : null;
    if (t) command(['event', t.getAttribute('data-worklane-event')]);
  });
  // Still here: time on the page is what some triggers wait for.
  setInterval(function () {
    if (document.visibilityState !== 'visible' || beats >= MAX_BEATS || panel) return;
    beats++;
    flush();
  }, 10000);

  var queued = (window.worklane && window.worklane.q) || [];
  window.worklane = function () { command(Array.prototype.slice.call(arguments)); };
  function start() {
    page();
    queued.forEach(function (args) { command(Array.prototype.slice.call(args)); });
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
