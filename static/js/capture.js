// Capture page helpers. The page works without this file; the server checks everything.
(function () {
  "use strict";
  var form = document.querySelector(".capture-form");
  if (!form) { return; }
  var maxHours = parseFloat(form.dataset.maxHours);
  var rows = Array.prototype.slice.call(form.querySelectorAll(".learner-row"));

  function hoursInput(row) { return row.querySelector("input.hours"); }
  function pageInput(row) { return row.querySelector("input.page"); }

  function showAbsent(row) {
    var output = row.querySelector("output");
    var present = parseFloat((hoursInput(row).value || "0").replace(",", "."));
    output.textContent = (isFinite(present) && present >= 0 && present <= maxHours)
      ? String(maxHours - present) : "";
  }

  rows.forEach(function (row) {
    hoursInput(row).addEventListener("input", function () { showAbsent(row); });
  });

  var helpers = form.querySelector(".helpers");
  if (helpers) { helpers.hidden = false; }
  form.addEventListener("click", function (event) {
    var action = event.target.dataset.action;
    if (action === "all-present") {
      rows.forEach(function (row) { hoursInput(row).value = String(maxHours); showAbsent(row); });
    } else if (action === "copy-first" && rows.length) {
      var hours = hoursInput(rows[0]).value;
      var page = pageInput(rows[0]).value;
      rows.slice(1).forEach(function (row) {
        hoursInput(row).value = hours;
        pageInput(row).value = page;
        showAbsent(row);
      });
    }
  });

  // One submit per page load: a double tap sends one request (the server would
  // refuse the second anyway).
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    window.setTimeout(function () { button.disabled = true; button.textContent = "Saving…"; }, 0);
  });

  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
}());
