// Maillage: small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";
  // Confirm destructive actions: <form data-confirm="Message">. A form that htmx posts carries hx-confirm
  // too: htmx asks before its request, so it is not asked twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !form.hasAttribute("hx-confirm") &&
        !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Autocomplete lists: choosing an option fills the target field.
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-fill-target]");
    if (!option) return;
    event.preventDefault();
    var target = document.getElementById(option.dataset.fillTarget);
    var label = document.getElementById(option.dataset.fillTarget + "-label");
    if (target) target.value = option.dataset.fillValue;
    if (label) { label.value = option.dataset.fillLabel; label.focus(); }
    var list = option.closest("[role=listbox]");
    if (list) list.innerHTML = "";
  });
})();
