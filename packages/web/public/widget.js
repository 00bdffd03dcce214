/*
 * Worklane's button for any website: chat with an advisor, or ask for a callback.
 *
 *   <script src="https://worklane.example.com/widget.js" data-page="chat" data-label="Chat with us" async></script>
 *
 * data-page: "chat" (default) or "callback". The chat button shows only while a chat topic takes
 * chats (open hours, somebody signed in), looked at again every minute; the page opens in a panel.
 */
(function () {
  var me = document.currentScript;
  if (!me) return;
  var base = new URL(me.src).origin;
  var page = me.getAttribute('data-page') === 'callback' ? 'callback' : 'chat';
  var label = me.getAttribute('data-label') || (page === 'chat' ? 'Chat with us' : 'Call me back');
  var color = me.getAttribute('data-color') || '#228be6';

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 18px;border:0;border-radius:24px;font:600 15px/1 system-ui,sans-serif;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);background:' + color + ';display:none';

  var panel = null;
  function close() {
    if (!panel) return;
    panel.remove();
    panel = null;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }
  function open() {
    panel = document.createElement('iframe');
    panel.src = base + '/' + page;
    panel.title = label;
    panel.style.cssText = 'position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(420px,calc(100vw - 40px));height:min(640px,calc(100vh - 100px));border:0;border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)';
    document.body.appendChild(panel);
    button.setAttribute('aria-expanded', 'true');
  }
  button.addEventListener('click', function () {
    if (panel) close();
    else open();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && panel) close();
  });

  function show(visible) {
    // An open conversation stays reachable even if chat closes meanwhile.
    button.style.display = visible || panel ? 'block' : 'none';
  }
  function look() {
    if (page !== 'chat') return show(true);
    fetch(base + '/api/v1/chat/topics')
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (d) { show(d.items.some(function (t) { return t.open; })); })
      .catch(function () { show(false); });
  }
  function start() {
    document.body.appendChild(button);
    look();
    setInterval(look, 60000);
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
