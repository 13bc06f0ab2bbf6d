(function () {
  "use strict";
  // One pass over the findings per filter change, one delegated click handler for all
  // review buttons: the page stays quick with thousands of findings.
  var body = document.body;
  var live = body.getAttribute("data-live") === "1";
  var apiBase = body.getAttribute("data-api") || "/";
  var dims = ["kind", "severity", "certainty", "status"];
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding[data-finding]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown-count");
  var query = document.getElementById("q");
  var facetSelects = form ? Array.prototype.slice.call(form.querySelectorAll("select[data-facet]")) : [];

  // The sticky toolbar's height: anchors scroll to just below it (CSS --bar).
  var toolbar = document.querySelector(".toolbar");
  function measureBar() {
    var height = toolbar ? toolbar.getBoundingClientRect().height : 0;
    document.documentElement.style.setProperty("--bar", Math.ceil(height) + "px");
  }
  measureBar();
  window.addEventListener("resize", measureBar);

  // Search is forgiving as the extractor is: no diacritics or tatweel, one alef, ya for
  // alef maqsura, ha for ta marbuta, Western digits.
  function fold(text) {
    return String(text || "").toLowerCase()
      .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647")
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/\s+/g, " ");
  }
  var folded = new Map();
  function textOf(el) {
    var text = folded.get(el);
    if (text === undefined) { text = fold(el.textContent); folded.set(el, text); }
    return text;
  }
  var facetsOf = new Map();
  function facets(el) {
    var data = facetsOf.get(el);
    if (data === undefined) {
      try { data = JSON.parse(el.getAttribute("data-facets") || "{}"); } catch (e) { data = {}; }
      facetsOf.set(el, data);
    }
    return data;
  }

  function allowedValues() {
    var allow = {};
    dims.forEach(function (d) { allow[d] = {}; });
    if (!form) { return null; }
    var boxes = document.querySelectorAll("input[type=checkbox][data-dim]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) { allow[boxes[i].getAttribute("data-dim")][boxes[i].value] = true; }
    }
    return allow;
  }

  function applyFilters() {
    var allow = allowedValues();
    if (!allow) { return; }
    var words = query ? fold(query.value).trim().split(" ").filter(Boolean) : [];
    var chosen = facetSelects.filter(function (s) { return s.value !== ""; });
    var count = 0;
    for (var i = 0; i < findings.length; i++) {
      var el = findings[i];
      var ok = true;
      for (var j = 0; j < dims.length && ok; j++) {
        ok = allow[dims[j]][el.getAttribute("data-" + dims[j])] === true;
      }
      for (var f = 0; f < chosen.length && ok; f++) {
        var values = facets(el)[chosen[f].getAttribute("data-facet")] || [];
        ok = values.indexOf(chosen[f].value) >= 0;
      }
      for (var w = 0; w < words.length && ok; w++) {
        ok = textOf(el).indexOf(words[w]) >= 0;
      }
      el.hidden = !ok;
      if (ok) { count++; }
    }
    for (var k = 0; k < groups.length; k++) {
      groups[k].hidden = groups[k].querySelector(".finding[data-finding]:not([hidden])") === null;
    }
    if (shown) { shown.textContent = String(count); }
    measureBar();
  }

  if (form) {
    // The checkboxes stand outside the sticky form (form="filters"): listen on the page.
    document.addEventListener("change", function (ev) {
      var target = ev.target;
      if (target && target.matches && target.matches("input[data-dim], select[data-facet]")) {
        applyFilters();
      }
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); applyFilters(); });
    if (query) { query.addEventListener("input", applyFilters); }
    var reset = document.getElementById("filters-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        var boxes = document.querySelectorAll("input[type=checkbox][data-dim]");
        for (var i = 0; i < boxes.length; i++) { boxes[i].checked = true; }
        facetSelects.forEach(function (s) { s.value = ""; });
        if (query) { query.value = ""; }
        applyFilters();
      });
    }
    applyFilters();
  }

  // A link to a claim, finding, event or article inside a closed <details> opens it, and
  // lands below the sticky toolbar. Scrolled again once the sections above are laid out
  // (they are not laid out while off screen).
  function reveal() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    if (el.tagName === "DETAILS") { el.open = true; }
    var d = el.closest("details");
    while (d) { d.open = true; d = d.parentElement ? d.parentElement.closest("details") : null; }
    measureBar();
    el.scrollIntoView();
    var again = 3;
    function settle() {
      el.scrollIntoView();
      if (--again > 0) { window.requestAnimationFrame(settle); }
    }
    window.requestAnimationFrame(settle);
  }
  window.addEventListener("hashchange", reveal);
  reveal();

  if (!live) { return; }

  // Decisions are recorded under the signed-in editor's name (the server knows it from
  // the session); every one carries the session's CSRF token, which only pages of this
  // server hold.
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var account = document.getElementById("account");
  var me = account ? account.getAttribute("data-user") : null;
  var myName = account ? account.getAttribute("data-user-display") : null;

  function jsonHeaders() {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrf) { headers["X-CSRF-Token"] = csrf; }
    return headers;
  }

  var signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", function () {
      signOut.disabled = true;
      fetch(apiBase + "logout", {
        method: "POST", headers: jsonHeaders(), body: "{}", credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        location.reload();
      }).catch(function () {
        signOut.disabled = false;
        signOut.textContent = signOut.getAttribute("data-failed") || "error";
      });
    });
  }

  function show(box, finding) {
    var status = finding.review_status || "open";
    box.setAttribute("data-status", status);
    var badge = box.querySelector("[data-role=status]");
    var button = box.querySelector("button[data-review=" + status + "]");
    if (badge) {
      badge.textContent = button ? button.getAttribute("data-label") : status;
      badge.className = "badge st-" + status;
    }
    var by = finding.reviewed_by;
    var fields = {
      note: finding.review_note,
      by: by && by === me && myName ? myName : by,
      at: finding.reviewed_at
    };
    Object.keys(fields).forEach(function (name) {
      var el = box.querySelector("[data-role=" + name + "]");
      if (el) {
        el.textContent = fields[name] || "";
        el.parentElement.hidden = !fields[name];
      }
    });
    var byEl = box.querySelector("[data-role=by]");
    if (byEl) { byEl.setAttribute("data-user", by || ""); }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-review]") : null;
    if (!button) { return; }
    var box = button.closest("[data-finding]");
    if (!box) { return; }
    var id = box.getAttribute("data-finding");
    var noteInput = box.querySelector("input[name=note]");
    var message = box.querySelector("[data-role=message]");
    var headers = jsonHeaders();
    var payload = {
      status: button.getAttribute("data-review"),
      note: noteInput && noteInput.value.trim() ? noteInput.value.trim() : null
    };
    var buttons = box.querySelectorAll("button[data-review]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    if (message) { message.textContent = ""; }
    fetch(apiBase + "findings/" + encodeURIComponent(id) + "/review", {
      method: "POST", headers: headers, body: JSON.stringify(payload), credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var detail = data && data.detail ? data.detail : response.status;
          var expired = account ? account.getAttribute("data-expired") : null;
          if (response.status === 401 && expired) { detail = expired; }
          throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
        }
        return data;
      });
    }).then(function (finding) {
      show(box, finding);
      if (noteInput) { noteInput.value = ""; }
      if (message) { message.textContent = box.getAttribute("data-saved") || "saved"; message.className = "muted"; }
      applyFilters();
    }).catch(function (err) {
      if (message) { message.textContent = String(err.message || err); message.className = "error"; }
    }).then(function () {
      for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = false; }
    });
  });
})();
