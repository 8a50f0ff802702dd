// Live sections: elements marked data-live (each with an id) are refreshed in place from the page's own URL,
// without a reload: every 2 seconds while one of them holds something running ([data-live-running]), for a
// while after a form marked data-live-form is sent (it is sent in the background), and when a progress bar
// (progress.js) finishes. Nothing runs inline and nothing is evaluated, as the Content-Security-Policy wants.
(function () {
  var POLL_MS = 2000;
  var timer = null;
  var watchUntil = 0;  // after a form is sent, keep looking until a run shows up (or 60 s pass)

  function sections() { return document.querySelectorAll("[data-live][id]"); }

  function swap(fresh) {
    var focusedId = document.activeElement && document.activeElement.id;
    sections().forEach(function (section) {
      var replacement = fresh.getElementById(section.id);
      if (replacement) { section.replaceWith(document.importNode(replacement, true)); }
    });
    if (focusedId && !document.getElementById(focusedId)) { document.getElementById("main").focus(); }
    else if (focusedId && document.activeElement === document.body) { document.getElementById(focusedId).focus(); }
    if (window.salesorderProgress) { window.salesorderProgress(document); }
    schedule();
  }

  function refresh() {
    timer = null;
    return fetch(window.location.href, {credentials: "same-origin", headers: {"X-Live-Refresh": "1"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { swap(new DOMParser().parseFromString(html, "text/html")); })
      .catch(function () { timer = setTimeout(refresh, POLL_MS * 3); });
  }

  function schedule() {
    if (timer) { return; }
    if (document.querySelector("[data-live] [data-live-running]") || Date.now() < watchUntil) {
      timer = setTimeout(refresh, POLL_MS);
    }
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    form.setAttribute("aria-busy", "true");
    return fetch(form.action, {method: "POST", body: data, credentials: "same-origin",
                               headers: {"X-Live-Refresh": "1"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        form.removeAttribute("aria-busy");
        watchUntil = form.hasAttribute("data-live-watch") ? Date.now() + 60000 : 0;
        swap(new DOMParser().parseFromString(html, "text/html"));
      })
      .catch(function () { form.removeAttribute("aria-busy"); form.submit(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-live-form]");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    send(form, event.submitter);
  });

  window.salesorderLive = {refresh: refresh};
  schedule();
})();
