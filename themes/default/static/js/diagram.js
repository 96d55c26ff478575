// topobook default theme: the expanded view of a topology diagram (full width, pan and
// zoom, keyboard usable, Esc closes it) and a visible tooltip for a finding badge that has
// the keyboard focus. Without this script the diagram is the same, only not expandable.
(function () {
  "use strict";
  var diagrams = document.querySelectorAll(".topology-diagram > svg.tb-diagram");
  if (!diagrams.length) return;

  var MIN_SCALE = 0.1, MAX_SCALE = 8, STEP = 1.25, PAN = 60;

  // ---- Tooltip of the focused badge: the badge's <title>, shown beside it. ----
  var tip = null;
  function badgeOf(node) {
    return node && node.closest ? node.closest("a.tb-badge") : null;
  }
  function hideTip() {
    if (tip) tip.hidden = true;
  }
  function showTip(badge) {
    var title = badge.querySelector("title");
    if (!title) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "tb-tip";
      // The badge's own title is its accessible name: the tooltip is for the eyes only.
      tip.setAttribute("aria-hidden", "true");
    }
    // Inside the expanded view the tooltip must live in the dialog (the top layer).
    var host = badge.closest("dialog") || document.body;
    if (tip.parentNode !== host) host.appendChild(tip);
    tip.textContent = title.textContent;
    tip.hidden = false;
    var r = badge.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 6);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  document.addEventListener("focusin", function (e) {
    var badge = badgeOf(e.target);
    if (badge) showTip(badge); else hideTip();
  });
  document.addEventListener("focusout", function (e) {
    if (badgeOf(e.target)) hideTip();
  });
  window.addEventListener("scroll", hideTip, true);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && tip && !tip.hidden) {
      hideTip();
      // A first Esc dismisses the tooltip; the next one closes the expanded view.
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  // ---- The expanded view. ----
  var dialog, bar, port, heading, opener, shown, state = { s: 1, x: 0, y: 0 }, size = { w: 1, h: 1 };

  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "tb-viewer-button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    b.setAttribute("data-action", action);
    return b;
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "tb-viewer";
    dialog.setAttribute("aria-labelledby", "tb-viewer-title");
    dialog.setAttribute("aria-describedby", "tb-viewer-help");
    bar = document.createElement("div");
    bar.className = "tb-viewer-bar";
    heading = document.createElement("h2");
    heading.id = "tb-viewer-title";
    heading.className = "tb-viewer-title";
    var help = document.createElement("p");
    help.id = "tb-viewer-help";
    help.className = "tb-viewer-help";
    help.textContent = "Drag or use the arrow keys to move, + and \u2212 to zoom, 0 to fit, Esc to close.";
    bar.appendChild(heading);
    bar.appendChild(help);
    bar.appendChild(button("\u2212", "Zoom out", "out"));
    bar.appendChild(button("+", "Zoom in", "in"));
    bar.appendChild(button("Fit", "Fit the width", "fit"));
    var close = button("Close", "Close the expanded diagram", "close");
    close.className += " tb-viewer-close";
    bar.appendChild(close);
    port = document.createElement("div");
    port.className = "tb-viewer-port";
    dialog.appendChild(bar);
    dialog.appendChild(port);
    document.body.appendChild(dialog);

    bar.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("button[data-action]") : null;
      if (!b) return;
      var a = b.getAttribute("data-action");
      if (a === "close") dialog.close();
      else if (a === "fit") fit();
      else zoomAt(a === "in" ? STEP : 1 / STEP);
    });
    dialog.addEventListener("close", function () {
      hideTip();
      port.textContent = "";
      shown = null;
      document.documentElement.classList.remove("tb-viewer-open");
      if (opener && opener.focus) opener.focus();
    });
    dialog.addEventListener("keydown", function (e) {
      if (e.altKey || e.metaKey || e.ctrlKey) return;
      var k = e.key, done = true;
      if (k === "ArrowLeft") pan(PAN, 0);
      else if (k === "ArrowRight") pan(-PAN, 0);
      else if (k === "ArrowUp") pan(0, PAN);
      else if (k === "ArrowDown") pan(0, -PAN);
      else if (k === "+" || k === "=") zoomAt(STEP);
      else if (k === "-" || k === "_") zoomAt(1 / STEP);
      else if (k === "0") fit();
      else done = false;
      if (done) e.preventDefault();
    });
    // A badge in the expanded view leads to its finding in the page: close first.
    port.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
      if (!a) return;
      e.preventDefault();
      var hash = a.getAttribute("href");
      opener = null;
      dialog.close();
      location.hash = hash;
    });
    // A badge reached with Tab is brought into view.
    port.addEventListener("focusin", function (e) {
      var r = e.target.getBoundingClientRect(), p = port.getBoundingClientRect();
      var dx = 0, dy = 0;
      if (r.left < p.left + 16) dx = p.left + 16 - r.left;
      else if (r.right > p.right - 16) dx = p.right - 16 - r.right;
      if (r.top < p.top + 16) dy = p.top + 16 - r.top;
      else if (r.bottom > p.bottom - 16) dy = p.bottom - 16 - r.bottom;
      if (dx || dy) {
        pan(dx, dy);
        if (!tip || tip.hidden) return;
        var badge = badgeOf(e.target);
        if (badge) showTip(badge);
      }
    });
    // Dragging pans; the wheel scrolls, with Ctrl (or a pinch) it zooms.
    var drag = null;
    port.addEventListener("pointerdown", function (e) {
      if (e.button !== 0 || (e.target.closest && e.target.closest("a"))) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
      port.setPointerCapture(e.pointerId);
      port.classList.add("tb-dragging");
    });
    port.addEventListener("pointermove", function (e) {
      if (!drag || drag.id !== e.pointerId) return;
      pan(e.clientX - drag.x, e.clientY - drag.y);
      drag.x = e.clientX;
      drag.y = e.clientY;
    });
    function stop(e) {
      if (!drag || drag.id !== e.pointerId) return;
      drag = null;
      port.classList.remove("tb-dragging");
    }
    port.addEventListener("pointerup", stop);
    port.addEventListener("pointercancel", stop);
    port.addEventListener("wheel", function (e) {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        var p = port.getBoundingClientRect();
        zoomAt(Math.exp(-e.deltaY / 300), e.clientX - p.left, e.clientY - p.top);
      } else {
        pan(-e.deltaX, -e.deltaY);
      }
    }, { passive: false });
  }

  function apply() {
    if (shown) shown.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.s + ")";
  }
  function pan(dx, dy) {
    state.x += dx;
    state.y += dy;
    apply();
  }
  function zoomAt(factor, cx, cy) {
    if (cx === undefined) {
      cx = port.clientWidth / 2;
      cy = port.clientHeight / 2;
    }
    var s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, state.s * factor));
    state.x = cx - (cx - state.x) * (s / state.s);
    state.y = cy - (cy - state.y) * (s / state.s);
    state.s = s;
    apply();
  }
  // The full width of the window, but no larger than twice the page's size.
  function fit() {
    var s = Math.min(2, (port.clientWidth - 32) / size.w);
    state.s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
    state.x = Math.max(16, (port.clientWidth - size.w * state.s) / 2);
    state.y = 16;
    apply();
  }

  // A copy of an inline diagram gets ids of its own (its markers and symbols are referred
  // to by id), so that the page never holds two elements with one id.
  function renamed(svg) {
    var copy = svg.cloneNode(true), map = {};
    var all = [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("[id]")));
    all.forEach(function (el) {
      if (!el.id) return;
      map[el.id] = el.id + "-expanded";
      el.id = map[el.id];
    });
    var ref = function (value) {
      return value.replace(/#([A-Za-z0-9_-]+)/g, function (m, id) { return map[id] ? "#" + map[id] : m; });
    };
    copy.querySelectorAll("use").forEach(function (u) {
      var h = u.getAttribute("href");
      if (h && h.charAt(0) === "#" && map[h.slice(1)]) u.setAttribute("href", "#" + map[h.slice(1)]);
    });
    copy.querySelectorAll("[marker-start],[marker-end]").forEach(function (el) {
      ["marker-start", "marker-end"].forEach(function (a) {
        var v = el.getAttribute(a);
        if (v) el.setAttribute(a, ref(v));
      });
    });
    ["aria-labelledby", "aria-describedby"].forEach(function (a) {
      var v = copy.getAttribute(a);
      if (v) copy.setAttribute(a, v.split(" ").map(function (id) { return map[id] || id; }).join(" "));
    });
    return copy;
  }

  function open(svg, from) {
    if (!dialog) build();
    opener = from;
    var full = svg.parentNode.querySelector("template.tb-full");
    var source = full && full.content ? full.content.querySelector("svg") : null;
    var copy = source ? document.importNode(source, true) : renamed(svg);
    var vb = (copy.getAttribute("viewBox") || "0 0 800 600").split(/[\s,]+/).map(Number);
    size = { w: vb[2] || 800, h: vb[3] || 600 };
    copy.removeAttribute("width");
    copy.setAttribute("width", size.w);
    copy.setAttribute("height", size.h);
    copy.classList.add("tb-expanded");
    var title = svg.querySelector("title");
    heading.textContent = (title ? title.textContent : "Network topology") + " \u2014 expanded diagram";
    port.textContent = "";
    port.appendChild(copy);
    shown = copy;
    document.documentElement.classList.add("tb-viewer-open");
    dialog.showModal();
    fit();
    var close = dialog.querySelector(".tb-viewer-close");
    if (close) close.focus();
  }

  diagrams.forEach(function (svg) {
    var holder = svg.parentNode;
    var tools = document.createElement("div");
    tools.className = "tb-diagram-tools";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "tb-expand";
    b.setAttribute("aria-haspopup", "dialog");
    var title = svg.querySelector("title");
    b.setAttribute("aria-label", "Expand the diagram" + (title ? " \u201c" + title.textContent + "\u201d" : "") + " to the full window, with pan and zoom");
    b.textContent = "\u2922 Expand";
    b.addEventListener("click", function () { open(svg, b); });
    tools.appendChild(b);
    holder.insertBefore(tools, svg);
    // A click on the drawing (not on a badge) opens it too.
    svg.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a")) return;
      open(svg, b);
    });
  });
})();
