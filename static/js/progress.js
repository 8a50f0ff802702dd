// Polls a running import's progress and updates its bar; reloads the page when it finishes.
(function () {
  function count(value) { return Number(value).toLocaleString(document.documentElement.lang || undefined); }
  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var label = box.querySelector(".progress-label");
    function poll() {
      fetch(box.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.percent !== null) { bar.value = state.percent; }
          label.textContent = state.total ? count(state.done) + " of " + count(state.total) : count(state.done) + " done";
          if (state.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  });
})();
