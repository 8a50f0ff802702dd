// A masked field with data-secret-toggle gets a Show/Hide button, so a stray space in a pasted key can be seen.
(function () {
  document.querySelectorAll("input[data-secret-toggle]").forEach(function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secret-toggle";
    button.textContent = "Show key";
    button.setAttribute("aria-controls", field.id);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var shown = field.type === "password";
      field.type = shown ? "text" : "password";
      button.textContent = shown ? "Hide key" : "Show key";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    });
    var wrapper = document.createElement("span");
    wrapper.className = "secret-field";
    field.parentNode.insertBefore(wrapper, field);
    wrapper.appendChild(field);
    wrapper.appendChild(button);
  });
})();
