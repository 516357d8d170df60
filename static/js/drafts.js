// Drafts as typed (issue 13): every change in a capture or correction form is kept in
// this browser's IndexedDB (idb-keyval) and put back when the form is opened again, on
// reload or after a submit that never reached the server. A draft is deleted only
// once the server has confirmed its submit (classes/drafts.py says how pages tell).
// The page works without this file; the server checks everything.
(function () {
  "use strict";
  var store = window.idbKeyval;
  var about = document.getElementById("drafts");
  if (!store || !about || !window.indexedDB) { return; }

  function words(text) { return (text || "").split(" ").filter(Boolean); }
  // A form's one-time key is "<uuid hex>.<issued>:<signature>" (submissions/keys.py,
  // issue_key); the session's pages list the uuids of the submits that took effect.
  function submissionId(form) {
    var field = form.querySelector("input[name=submission_key]");
    return field ? field.value.split(".")[0] : "";
  }
  var confirmed = words(about.dataset.confirmedSubmissions);
  function isConfirmed(draft) {
    return (draft.submissions || []).some(function (id) { return confirmed.indexOf(id) !== -1; });
  }

  // What a draft keeps: the typed fields (hours, pages, absence reasons, remarks, the
  // correction's reason), not the form's hidden fields nor the confirmation boxes,
  // which answer a warning the server has to show again.
  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled &&
        (field.tagName === "SELECT" || field.tagName === "TEXTAREA" ||
         (field.tagName === "INPUT" && field.type === "text"));
    });
  }
  function valuesOf(form) {
    var values = {};
    typedFields(form).forEach(function (field) { values[field.name] = field.value; });
    return values;
  }
  function setValues(form, values) {
    typedFields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(values, field.name)) { return; }
      if (field.value === values[field.name]) { return; }
      field.value = values[field.name];
      // capture.js recomputes the hours absent and the not-filled-in line.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  function differs(form, values) {
    return typedFields(form).some(function (field) {
      return Object.prototype.hasOwnProperty.call(values, field.name) &&
        field.value !== values[field.name];
    });
  }
  function clock(time) {
    var at = new Date(time);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(at.getHours()) + ":" + two(at.getMinutes());
  }

  function keepForm(form, key) {
    var asServed = valuesOf(form);
    // The correction's version of the session (classes/views/corrections.py).
    var versionField = form.querySelector("input[name=version]");
    var version = versionField ? versionField.value : null;
    var paused = false;  // while restoring, or while a stale draft waits for a choice
    var submissions = [];

    function save() {
      if (paused) { return; }
      var id = submissionId(form);
      if (id && submissions.indexOf(id) === -1) { submissions = submissions.concat([id]).slice(-10); }
      store.set(key, {
        values: valuesOf(form), savedAt: Date.now(), submissions: submissions,
        version: version, path: window.location.pathname,
      }).catch(function () { /* storage refused: the form still works */ });
    }
    function putBack(values) {
      paused = true;
      setValues(form, values);
      paused = false;
    }

    function showNote(message, buttons) {
      var note = document.createElement("div");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      var text = document.createElement("p");
      text.id = "draft_note_text";
      text.textContent = message;
      note.appendChild(text);
      buttons.forEach(function (button) {
        var element = document.createElement("button");
        element.type = "button";
        element.className = "button";
        element.textContent = button.label;
        element.setAttribute("aria-describedby", text.id);
        element.addEventListener("click", function () {
          note.remove();
          button.action();
          var first = form.querySelector("input.hours");
          if (first) { first.focus(); }
        });
        note.appendChild(element);
      });
      form.insertBefore(note, form.firstChild);
    }
    var discard = {
      label: "Discard",
      action: function () {
        putBack(asServed);
        paused = false;
        submissions = [];
        store.del(key).catch(function () {});
      },
    };

    store.get(key).then(function (draft) {
      if (draft && isConfirmed(draft)) { return store.del(key); }
      if (!draft) { return; }
      // This form's key joins the draft's now: sent unchanged, the draft still goes
      // when the server confirms it. The time typed stays as it was.
      var id = submissionId(form);
      submissions = (draft.submissions || []).filter(function (known) { return known !== id; })
        .concat(id ? [id] : []).slice(-10);
      if (!differs(form, draft.values || {})) { return; }
      var typedAt = clock(draft.savedAt);
      if (version !== null && draft.version && draft.version !== version) {
        // Someone changed the session since this was typed: the form shows what is
        // recorded now, and the draft waits on the phone until its user chooses.
        paused = true;
        showNote("What you typed on this phone at " + typedAt + " was for this session " +
          "before it was changed elsewhere. It is kept on this phone: put it back to " +
          "correct the session as it is now, or discard it.", [
          { label: "Put it back", action: function () { putBack(draft.values); save(); } },
          discard,
        ]);
        return;
      }
      putBack(draft.values);
      showNote("Restored what you typed on this phone at " + typedAt + ".", [discard]);
      return store.set(key, Object.assign({}, draft, { submissions: submissions }));
    }).catch(function () {}).then(function () {
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      // The helpers (All present, the rest absent) set values without an event.
      form.addEventListener("click", function (event) {
        if (event.target.dataset && event.target.dataset.action) { window.setTimeout(save, 0); }
      });
      // Kept with this form's key until the server confirms it.
      form.addEventListener("submit", save);
      about.dataset.draftsSettled = "true";  // for the browser tests
    });
  }

  // The session's drafts whose submit the server confirmed are done with; then the
  // form of this page (if it is one) gets its draft back.
  var settled = Promise.all(words(about.dataset.draftKeys).map(function (key) {
    return store.get(key).then(function (draft) {
      if (draft && isConfirmed(draft)) { return store.del(key); }
    });
  })).catch(function () {});
  settled.then(function () {
    var form = document.querySelector("form[data-draft-key]");
    if (form && form.dataset.draftKey) {
      keepForm(form, form.dataset.draftKey);
    } else {
      about.dataset.draftsSettled = "true";
    }
  });
}());
