// Capture page helpers. The page works without this file; the server checks everything.
(function () {
  "use strict";
  var form = document.querySelector(".capture-form");
  if (!form) { return; }
  var maxHours = parseFloat(form.dataset.maxHours);
  var rows = Array.prototype.slice.call(form.querySelectorAll(".learner-row"));

  function hoursInput(row) { return row.querySelector("input.hours"); }

  function showAbsent(row) {
    var output = row.querySelector("output");
    var present = parseFloat((hoursInput(row).value || "0").replace(",", "."));
    output.textContent = (isFinite(present) && present >= 0 && present <= maxHours)
      ? String(maxHours - present) : "";
  }

  // Who is still to fill in, named above the buttons as the rows are filled: nothing
  // is recorded until every learner has their hours (the server names them too).
  var summary = document.getElementById("unset_summary");
  var NAMED = 5;
  function showUnset() {
    if (!summary) { return; }
    var unset = rows.filter(function (row) { return hoursInput(row).value.trim() === ""; })
      .map(function (row) { return row.querySelector(".learner-name strong").textContent; });
    summary.hidden = false;
    if (unset.length === 0) {
      summary.textContent = "Every learner has their hours filled in.";
      return;
    }
    var named = unset.slice(0, NAMED).join("; ");
    var more = unset.length > NAMED ? "; and " + (unset.length - NAMED) + " more" : "";
    summary.textContent = "Not filled in yet (" + unset.length + "): " + named + more + ".";
  }

  rows.forEach(function (row) {
    hoursInput(row).addEventListener("input", function () { showAbsent(row); showUnset(); });
  });
  showUnset();

  var helpers = form.querySelector(".helpers");
  if (helpers) { helpers.hidden = false; }
  form.addEventListener("click", function (event) {
    var action = event.target.dataset.action;
    if (action === "all-present") {
      rows.forEach(function (row) { hoursInput(row).value = String(maxHours); showAbsent(row); });
      showUnset();
    } else if (action === "rest-absent") {
      rows.forEach(function (row) {
        if (hoursInput(row).value.trim() === "") { hoursInput(row).value = "0"; showAbsent(row); }
      });
      showUnset();
    }
  });

  // Enter in a learner's field moves to the next field instead of submitting a
  // register half filled in (issue 12, point 1); the buttons still submit.
  // The absence remark, optional, is skipped by it and moves to the next row too.
  var fields = Array.prototype.slice.call(
    form.querySelectorAll(".learner-row input.hours, .learner-row input.page"));
  function moveTo(next) {
    if (next) { next.focus(); next.select(); } else { form.querySelector("button[type=submit]").focus(); }
  }
  fields.forEach(function (field, index) {
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      moveTo(fields[index + 1]);
    });
  });
  rows.forEach(function (row, index) {
    var remark = row.querySelector("input.remark");
    if (!remark) { return; }
    remark.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      moveTo(rows[index + 1] ? hoursInput(rows[index + 1]) : null);
    });
  });

  // One submit per page load: a double tap sends one request (the server would
  // refuse the second anyway).
  form.addEventListener("submit", function (event) {
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[type=submit]"));
    var pressed = event.submitter || buttons[0];
    window.setTimeout(function () {
      // static/js/offline.js holds the first event back to put the submit in the
      // outbox, then sends it again: the buttons wait for that one.
      if (event.defaultPrevented) { return; }
      buttons.forEach(function (button) { button.disabled = true; });
      pressed.textContent = "Saving…";
    }, 0);
  });

  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
}());
