// topobook live preview. `topobook serve` adds this script to every page it serves (never to
// a built site). It keeps a WebSocket to the server and, on each build:
// - reloads the page when the page itself or a file it uses (script, image, frame) changed,
//   keeping the scroll position;
// - swaps changed stylesheets in place, without a reload;
// - shows the errors that keep this page or the book from building in an overlay.
// It reconnects after the server goes away, and catches up on what it missed.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.WebSocket) return;
  var page = me.getAttribute("data-page") || "";
  var last = me.getAttribute("data-build") || "";
  var scrollKey = "topobook-scroll:" + page;
  var pageErrors = [], bookErrors = [], hidden = false, delay = 200, socket = null;

  try {
    var saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    sessionStorage.removeItem(scrollKey);
    if (saved) {
      // At once, never animated (a theme's `scroll-behavior: smooth` would make every save
      // scroll the page again).
      var restore = function () { window.scrollTo({ left: saved[0], top: saved[1], behavior: "instant" }); };
      if (document.readyState === "complete") restore(); else addEventListener("load", restore);
    }
  } catch (e) { /* storage disabled: the browser's own restoration applies */ }

  function reload() {
    try { sessionStorage.setItem(scrollKey, JSON.stringify([scrollX, scrollY])); } catch (e) { }
    if (socket) { socket.onclose = null; socket.close(); }
    location.reload();
  }

  // The site path of a URL of this server (`guide/` -> `guide/index.html`), or null.
  function sitePath(url) {
    try {
      var u = new URL(url, location.href);
      if (u.origin !== location.origin) return null;
      var p = decodeURIComponent(u.pathname).replace(/^\//, "");
      return p === "" || p.charAt(p.length - 1) === "/" ? p + "index.html" : p;
    } catch (e) { return null; }
  }

  function usesAny(paths) {
    var mine = {};
    mine[page] = true;
    var els = document.querySelectorAll("script[src], img[src], iframe[src], source[src], video[src], " +
      "audio[src], embed[src], object[data], link[href]:not([rel~=stylesheet])");
    for (var i = 0; i < els.length; i++) {
      var p = sitePath(els[i].getAttribute("src") || els[i].getAttribute("data") || els[i].getAttribute("href"));
      if (p && p !== "__topobook/live.js") mine[p] = true;
    }
    return paths.some(function (p) { return mine[p]; });
  }

  function swapStyles(paths, id) {
    var links = document.querySelectorAll("link[rel~=stylesheet][href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (paths.indexOf(sitePath(link.getAttribute("href"))) < 0) continue;
      var next = link.cloneNode(false);
      var u = new URL(link.href);
      u.searchParams.set("topobook", id);
      next.href = u.href;
      next.onload = next.onerror = (function (old) { return function () { old.remove(); }; })(link);
      link.parentNode.insertBefore(next, link.nextSibling);
    }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  var STYLE = "#topobook-overlay{position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;" +
    "z-index:2147483647;background:#1b1b1f;color:#ececf1;border-top:4px solid #e5484d;" +
    "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:10px 16px;" +
    "box-shadow:0 -4px 16px rgba(0,0,0,.35);text-align:left}" +
    "#topobook-overlay .tb-head{display:flex;justify-content:space-between;font-weight:bold;color:#ff9592}" +
    "#topobook-overlay button{background:none;border:0;color:inherit;font:inherit;cursor:pointer}" +
    "#topobook-overlay .tb-item{margin-top:8px;white-space:pre-wrap}" +
    "#topobook-overlay .tb-where{color:#9ec1ff}#topobook-overlay .tb-help{color:#b8e6b1}";

  function render() {
    var all = bookErrors.concat(pageErrors);
    var box = document.getElementById("topobook-overlay");
    if (!all.length || hidden) { if (box) box.remove(); return; }
    if (!document.getElementById("topobook-overlay-style")) {
      var style = el("style", "", STYLE);
      style.id = "topobook-overlay-style";
      document.head.appendChild(style);
    }
    if (!box) {
      box = el("div");
      box.id = "topobook-overlay";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = "";
    var head = el("div", "tb-head");
    head.appendChild(el("span", "", all.length + (all.length === 1 ? " error keeps" : " errors keep") +
      " this page from building"));
    var close = el("button", "", "\u00d7");
    close.setAttribute("aria-label", "Hide until the next change");
    close.onclick = function () { hidden = true; render(); };
    head.appendChild(close);
    box.appendChild(head);
    all.forEach(function (d) {
      var item = el("div", "tb-item");
      var where = d.file ? d.file + (d.line ? ":" + d.line + ":" + d.column : "") : "";
      if (where) item.appendChild(el("div", "tb-where", where));
      item.appendChild(el("div", "tb-message", d.severity + "[" + d.code + "]: " + d.message));
      if (d.help) item.appendChild(el("div", "tb-help", "help: " + d.help));
      box.appendChild(item);
    });
  }

  function onMessage(m) {
    if (m.type === "reload") { reload(); return; }
    if (m.type === "state") {
      last = m.id; pageErrors = m.errors; bookErrors = m.book; render();
      return;
    }
    if (m.type !== "update") return;
    last = m.id;
    if (m.all || m.removed.indexOf(page) >= 0 || usesAny(m.changed)) { reload(); return; }
    var css = m.changed.filter(function (p) { return /\.css$/i.test(p); });
    if (css.length) swapStyles(css, m.id);
    if (Object.prototype.hasOwnProperty.call(m.errors, page)) pageErrors = m.errors[page];
    bookErrors = m.book;
    hidden = false;
    render();
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/__topobook/live?page=" + encodeURIComponent(page) +
      "&since=" + encodeURIComponent(last));
    socket.onopen = function () { delay = 200; };
    socket.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      onMessage(m);
    };
    socket.onclose = function () {
      socket = null;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 3000);
    };
  }
  connect();
})();
