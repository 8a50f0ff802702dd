// A customer field with list="ID": as the merchant types, the datalist ID offers the company's customers whose
// name or e-mail address contains the text (from the datalist's data-source), a few at a time.
(function () {
  document.querySelectorAll("input[list]").forEach(function (input) {
    var choices = document.getElementById(input.getAttribute("list"));
    if (!choices || !choices.dataset.source) { return; }
    var timer = null;
    var asked = null;
    function offer(text) {
      if (text === asked) { return; }
      asked = text;
      fetch(choices.dataset.source + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {customers: []}; })
        .then(function (answer) {
          if (text !== asked) { return; }  // a later answer is on its way
          choices.replaceChildren.apply(choices, answer.customers.map(function (customer) {
            var option = document.createElement("option");
            option.value = customer.label;
            return option;
          }));
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { offer(input.value.trim()); }, 200);
    });
    input.addEventListener("focus", function () { offer(input.value.trim() === input.defaultValue.trim() ? "" : input.value.trim()); });
  });
})();
