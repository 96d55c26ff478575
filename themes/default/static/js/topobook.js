// topobook default theme: sidebar, theme toggle, copy buttons, lazy search.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var here = body.getAttribute("data-path") || "";

  // Sidebar: one shared file (toc.js) for every page; links are relative to the site root.
  var nav = document.getElementById("sidebar-nav");
  if (nav && typeof window.TOPOBOOK_SIDEBAR === "string") {
    nav.innerHTML = window.TOPOBOOK_SIDEBAR;
    var links = nav.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var href = a.getAttribute("href");
      if (!/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) {
        if (href === here) {
          a.classList.add("active");
          a.setAttribute("aria-current", "page");
        }
        a.setAttribute("href", root + href);
      }
    }
    var active = nav.querySelector("a.active");
    // On a rule page, unfold the sidebar's list of rules.
    var rulesList = active && active.closest ? active.closest("details") : null;
    if (rulesList) rulesList.open = true;
    if (active && active.scrollIntoView) {
      var sidebar = document.getElementById("sidebar");
      var top = active.offsetTop - sidebar.clientHeight / 3;
      if (top > 0) sidebar.scrollTop = top;
    }
  }

  // Mobile drawer.
  var toggle = document.getElementById("sidebar-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = body.classList.toggle("sidebar-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    // Escape closes the open drawer and gives the focus back to its button.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || !body.classList.contains("sidebar-open")) return;
      body.classList.remove("sidebar-open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    });
  }

  // Light / dark: follows the OS until the reader chooses.
  var themeButton = document.getElementById("theme-toggle");
  var html = document.documentElement;
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var next = html.getAttribute("data-theme") === "dark" ? "light" : "dark";
      html.setAttribute("data-theme", next);
      try { localStorage.setItem("topobook-theme", next); } catch (e) { /* private mode */ }
    });
  }
  if (window.matchMedia) {
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    var follow = function (e) {
      var chosen = null;
      try { chosen = localStorage.getItem("topobook-theme"); } catch (err) { /* ignore */ }
      if (!chosen) html.setAttribute("data-theme", e.matches ? "dark" : "light");
    };
    if (mq.addEventListener) mq.addEventListener("change", follow);
  }

  // Copy buttons on every code block.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button.copy") : null;
    if (!button) return;
    var code = button.parentNode.querySelector("pre code");
    if (!code) return;
    var text = code.innerText.replace(/\n$/, "");
    var done = function () {
      button.classList.add("copied");
      button.textContent = "Copied";
      setTimeout(function () { button.classList.remove("copied"); button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (err) { /* ignore */ }
      document.body.removeChild(area);
    }
  });

  // A link to a finding or a YAML line inside a folded part unfolds it (browsers that do
  // not do it themselves on fragment navigation).
  var reveal = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var opened = false;
    for (var d = target.parentElement; d; d = d.parentElement) {
      if (d.tagName === "DETAILS" && !d.open) { d.open = true; opened = true; }
    }
    if (opened && target.scrollIntoView) target.scrollIntoView();
  };
  window.addEventListener("hashchange", reveal);
  reveal();

  // Printing: every folded part (the YAML, notes, suppressed findings) goes on paper.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll(".content details:not([open])");
    for (var i = 0; i < all.length; i++) { all[i].open = true; reopened.push(all[i]); }
  });
  window.addEventListener("afterprint", function () {
    while (reopened.length) reopened.pop().open = false;
  });

  // Search: the script and the index load on first use.
  var input = document.getElementById("search-input");
  if (input) {
    var load = function () {
      if (window.topobookSearchLoading) return;
      window.topobookSearchLoading = true;
      var s = document.createElement("script");
      s.src = root + "js/search.js";
      s.defer = true;
      document.head.appendChild(s);
    };
    input.addEventListener("focus", load, { once: true });
    document.addEventListener("keydown", function (e) {
      if (e.key === "/" && document.activeElement !== input && !/input|textarea/i.test(document.activeElement.tagName)) {
        e.preventDefault();
        input.focus();
      }
    });
  }
})();
