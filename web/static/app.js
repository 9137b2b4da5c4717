// Seeker learner app: small progressive enhancements. Everything works
// without this file; with it, search results and application status
// arrive by themselves (Server-Sent Events) instead of on reload.
(function () {
  "use strict";
  function announce(text) {
    var a = document.getElementById("announce");
    if (a && text) { a.textContent = ""; setTimeout(function () { a.textContent = text; }, 50); }
  }

  // Live application status: the server sends the re-rendered region.
  var live = document.getElementById("live");
  if (live && window.EventSource && live.dataset.events) {
    var es = new EventSource(live.dataset.events);
    es.addEventListener("update", function (e) {
      var nl = e.data.indexOf("\n");
      var msg = nl < 0 ? e.data : e.data.slice(0, nl);
      var html = nl < 0 ? "" : e.data.slice(nl + 1);
      // Keep focus where the learner was if it was inside the region.
      var hadFocus = live.contains(document.activeElement) ? document.activeElement.id : "";
      live.innerHTML = html;
      if (hadFocus && document.getElementById(hadFocus)) document.getElementById(hadFocus).focus();
      live.setAttribute("data-updated", String(Date.now()));
      announce(msg);
    });
    window.addEventListener("pagehide", function () { es.close(); });
  }

  // Live discovery: results as providers answer.
  var results = document.getElementById("results");
  if (results && window.EventSource && results.dataset.stream) {
    var ds = new EventSource(results.dataset.stream);
    var progress = document.getElementById("progress");
    ds.addEventListener("progress", function (e) {
      if (progress) progress.innerHTML = e.data;
    });
    ds.addEventListener("results", function (e) {
      results.innerHTML = e.data;
      results.setAttribute("data-updated", String(Date.now()));
    });
    ds.addEventListener("done", function (e) {
      if (progress) progress.innerHTML = e.data;
      results.setAttribute("data-done", "1");
      announce(progress ? progress.textContent : "");
      ds.close();
    });
    ds.onerror = function () { ds.close(); results.setAttribute("data-done", "1"); };
  }

  // A form that came back with errors: focus the summary, so keyboard and
  // screen reader users land on what to fix.
  var formError = document.getElementById("form-error");
  if (formError) {
    formError.setAttribute("tabindex", "-1");
    formError.focus();
  }

  // On a phone the filters start folded, so results come first; on a
  // laptop they stay open beside them (also when the window or the phone
  // turns). Filters in use keep them open.
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 899px)");
    var inUse = false;
    filters.querySelectorAll("select, input[type=number], input[type=date]").forEach(function (el) { if (el.value) inUse = true; });
    var fit = function () { if (!inUse) filters.open = !narrow.matches; };
    fit();
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
  }

  // Filters: submit when a select changes (the Apply button stays for
  // keyboard and no-JS users).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { if (s.form) s.form.submit(); });
  });
})();
