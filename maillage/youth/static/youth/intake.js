// Intake form: show the quartier field only for communes divided into quartiers (Rennes).
// Without JavaScript the field is always shown, and the server checks it.
(function () {
  "use strict";
  var field = document.getElementById("quartier-field");
  if (!field) return;
  if (field.dataset.initiallyHidden === "1") field.hidden = true;
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-fill-target='id_commune']");
    if (!option) return;
    field.hidden = option.dataset.hasQuartiers !== "1";
    if (field.hidden) {
      var select = field.querySelector("select");
      if (select) select.value = "";
    }
  });
  var label = document.getElementById("id_commune-label");
  var hidden = document.getElementById("id_commune");
  if (label && hidden) {
    // Typing another name forgets the commune chosen before.
    label.addEventListener("input", function () { hidden.value = ""; });
  }
})();
