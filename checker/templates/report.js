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

  function allowedValues() {
    var allow = {};
    dims.forEach(function (d) { allow[d] = {}; });
    if (!form) { return null; }
    var boxes = form.querySelectorAll("input[type=checkbox][data-dim]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) { allow[boxes[i].getAttribute("data-dim")][boxes[i].value] = true; }
    }
    return allow;
  }

  function applyFilters() {
    var allow = allowedValues();
    if (!allow) { return; }
    var count = 0;
    for (var i = 0; i < findings.length; i++) {
      var el = findings[i];
      var ok = true;
      for (var j = 0; j < dims.length && ok; j++) {
        ok = allow[dims[j]][el.getAttribute("data-" + dims[j])] === true;
      }
      el.hidden = !ok;
      if (ok) { count++; }
    }
    for (var k = 0; k < groups.length; k++) {
      groups[k].hidden = groups[k].querySelector(".finding[data-finding]:not([hidden])") === null;
    }
    if (shown) { shown.textContent = String(count); }
  }

  if (form) {
    form.addEventListener("change", applyFilters);
    var reset = document.getElementById("filters-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        var boxes = form.querySelectorAll("input[type=checkbox][data-dim]");
        for (var i = 0; i < boxes.length; i++) { boxes[i].checked = true; }
        applyFilters();
      });
    }
    applyFilters();
  }

  // A link to a claim inside a closed <details> opens it.
  function reveal() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    var d = el.closest("details");
    while (d) { d.open = true; d = d.parentElement ? d.parentElement.closest("details") : null; }
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  reveal();

  if (!live) { return; }

  var reviewer = document.getElementById("reviewer");
  var token = document.getElementById("token");
  try {
    if (reviewer && !reviewer.value) { reviewer.value = localStorage.getItem("claimcheck.reviewer") || ""; }
    if (token && !token.value) { token.value = sessionStorage.getItem("claimcheck.token") || ""; }
  } catch (e) { /* storage may be disabled */ }

  function show(box, finding) {
    var status = finding.review_status || "open";
    box.setAttribute("data-status", status);
    var badge = box.querySelector("[data-role=status]");
    var button = box.querySelector("button[data-review=" + status + "]");
    if (badge) {
      badge.textContent = button ? button.getAttribute("data-label") : status;
      badge.className = "badge st-" + status;
    }
    var fields = { note: finding.review_note, by: finding.reviewed_by, at: finding.reviewed_at };
    Object.keys(fields).forEach(function (name) {
      var el = box.querySelector("[data-role=" + name + "]");
      if (el) {
        el.textContent = fields[name] || "";
        el.parentElement.hidden = !fields[name];
      }
    });
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-review]") : null;
    if (!button) { return; }
    var box = button.closest("[data-finding]");
    if (!box) { return; }
    var id = box.getAttribute("data-finding");
    var noteInput = box.querySelector("input[name=note]");
    var message = box.querySelector("[data-role=message]");
    var by = reviewer ? reviewer.value.trim() : "";
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    try {
      if (reviewer) { localStorage.setItem("claimcheck.reviewer", by); }
      if (token) { sessionStorage.setItem("claimcheck.token", token.value); }
    } catch (e) { /* storage may be disabled */ }
    if (token && token.value) { headers["Authorization"] = "Bearer " + token.value; }
    var payload = {
      status: button.getAttribute("data-review"),
      note: noteInput && noteInput.value.trim() ? noteInput.value.trim() : null,
      by: by || null
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
