// topobook search: loads docs.json once and the shard of each query word on demand.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var box = document.getElementById("search-results");
  if (!input || !box) return;
  var base = input.getAttribute("data-index");
  var root = document.body.getAttribute("data-root") || "";
  var docs = null;
  var shards = {};
  var known = null;
  var STOP = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "with"];

  function fetchJson(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(url); return r.json(); });
  }
  function tokens(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1 && STOP.indexOf(w) < 0; });
  }
  function shardOf(t) { return /^[a-z0-9]/.test(t) ? t[0] : "_"; }
  function shard(c) {
    if (!shards[c]) {
      shards[c] = known.indexOf(c) < 0 ? Promise.resolve({}) : fetchJson(base + c + ".json").catch(function () { return {}; });
    }
    return shards[c];
  }
  function ready() {
    if (docs) return Promise.resolve();
    return Promise.all([fetchJson(base + "docs.json"), fetchJson(base + "shards.json")]).then(function (r) {
      docs = r[0]; known = r[1];
    });
  }
  // Score each document: every query word must match a term (the last one as a prefix).
  function search(q) {
    var words = tokens(q);
    if (!words.length) return Promise.resolve([]);
    return Promise.all(words.map(function (w) { return shard(shardOf(w)); })).then(function (maps) {
      var total = null;
      words.forEach(function (w, i) {
        var map = maps[i], scores = {};
        var last = i === words.length - 1;
        Object.keys(map).forEach(function (term) {
          var exact = term === w;
          if (!exact && !(last && term.indexOf(w) === 0)) return;
          var list = map[term];
          var idf = Math.log(1 + docs.length / (list.length / 2));
          for (var k = 0; k < list.length; k += 2) {
            var s = list[k + 1] * idf * (exact ? 1 : 0.6);
            scores[list[k]] = Math.max(scores[list[k]] || 0, s);
          }
        });
        if (total === null) { total = scores; return; }
        var next = {};
        Object.keys(total).forEach(function (d) { if (scores[d]) next[d] = total[d] + scores[d]; });
        total = next;
      });
      return Object.keys(total || {}).map(function (d) { return [+d, total[d]]; })
        .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).slice(0, 30);
    });
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  var selected = -1;
  function show(results, q) {
    selected = -1;
    if (!q.trim()) { box.hidden = true; return; }
    if (!results.length) {
      box.innerHTML = '<p class="empty">No results for “' + esc(q) + '”.</p>';
    } else {
      box.innerHTML = "<ol>" + results.map(function (r) {
        var d = docs[r[0]];
        var page = d[2] !== d[1] ? '<span class="result-page">' + esc(d[2]) + "</span>" : "";
        return '<li><a href="' + esc(root + d[0]) + '">' + esc(d[1]) + page + "</a></li>";
      }).join("") + "</ol>";
    }
    box.hidden = false;
  }
  var pending = 0;
  function run() {
    var q = input.value;
    var id = ++pending;
    ready().then(function () { return search(q); }).then(function (r) { if (id === pending) show(r, q); })
      .catch(function () { box.innerHTML = '<p class="empty">Search is unavailable (the index could not be loaded).</p>'; box.hidden = false; });
  }
  input.addEventListener("input", run);
  input.addEventListener("keydown", function (e) {
    var items = box.querySelectorAll("li");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!items.length) return;
      if (selected >= 0) items[selected].classList.remove("selected");
      selected = (selected + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[selected].classList.add("selected");
      items[selected].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && selected >= 0) {
      items[selected].querySelector("a").click();
    }
  });
  // Escape closes the results, from the box or from a result, and leaves the focus in the box.
  var close = function (e) {
    if (e.key !== "Escape" || box.hidden) return;
    e.preventDefault();
    box.hidden = true;
    input.focus();
  };
  input.addEventListener("keydown", close);
  box.addEventListener("keydown", close);
  document.addEventListener("click", function (e) {
    if (!box.contains(e.target) && e.target !== input) box.hidden = true;
  });
  ready().then(function () { if (input.value) run(); });
})();
