// Polls a running run's progress and updates its bar. When it finishes, the page's live sections (live.js) are
// refreshed in place; a page without them is reloaded.
(function () {
  function count(value) { return Number(value).toLocaleString(document.documentElement.lang || undefined); }
  function watch(box) {
    var bar = box.querySelector("progress");
    var label = box.querySelector(".progress-label");
    box.dataset.progressWatched = "1";
    function poll() {
      if (!box.isConnected) { return; }  // replaced by a live refresh, which watches its own bar
      fetch(box.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.percent !== null) { bar.value = state.percent; }
          label.textContent = state.total ? count(state.done) + " of " + count(state.total) : count(state.done) + " done";
          if (!state.finished) { setTimeout(poll, 1000); }
          else if (window.salesorderLive && box.closest("[data-live]")) { window.salesorderLive.refresh(); }
          else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }
  window.salesorderProgress = function (root) {
    root.querySelectorAll("[data-progress-url]:not([data-progress-watched])").forEach(watch);
  };
  window.salesorderProgress(document);
})();
