// A button with data-confirm="question" asks before its form is sent (Import all, …); Cancel sends nothing.
(function () {
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
})();
