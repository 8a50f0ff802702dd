// A checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME in its form, or, with
// data-select-scope="tbody", only those in its own table body (a product's variants).
(function () {
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var scope = master.dataset.selectScope ? master.closest(master.dataset.selectScope) : master.form;
    var boxes = scope.querySelectorAll('input[type=checkbox][name="' + master.dataset.selectAll + '"]');
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
  });
})();
