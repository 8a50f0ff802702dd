// A button with data-confirm="question" asks before its form is sent (Import all, …); Cancel sends nothing.
// Listened for on the document, so buttons a live refresh (live.js) brings ask too.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
