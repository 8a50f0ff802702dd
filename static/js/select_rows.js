// A header checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME in its form.
(function () {
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var boxes = master.form.querySelectorAll('input[type=checkbox][name="' + master.dataset.selectAll + '"]');
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
  });
})();
