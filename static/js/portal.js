// Portail des jeunes: small progressive enhancements, no library. Everything works without JavaScript.
(function () {
  "use strict";

  // After a failed submission, put the focus on the error summary so that screen readers read it.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Pre-registration: the "who fills in" answers show the fields about the person filling in.
  var behalf = document.getElementById("pour-quelquun");
  if (behalf) {
    var radios = document.querySelectorAll("input[name=submitted_by]");
    var update = function () {
      var checked = document.querySelector("input[name=submitted_by]:checked");
      var hasError = behalf.querySelector(".has-error");
      behalf.hidden = !hasError && (!checked || checked.value === "self");
    };
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  // Commune suggestions: the territory's communes in a <datalist> (the server checks the typed name anyway).
  var input = document.querySelector("input[data-commune-search]");
  var list = document.getElementById("commune-list");
  if (input && list && window.fetch) {
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query.length < 2 || query === last) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        last = query;
        fetch("/inscription/communes/?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { communes: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.communes.forEach(function (commune) {
              var option = document.createElement("option");
              option.value = commune.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
})();
