// The signed register's upload (templates/classes/_signed_register.html). The form works
// without this file and the server checks every file; this only spares a phone sending
// a photo over the limit on a slow connection, with the words the server would use.
(function () {
  "use strict";
  var input = document.getElementById("signed-register-file");
  if (!input) { return; }
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (file && file.size > maxBytes) {
      var mb = (file.size / (1024 * 1024)).toFixed(1);
      input.setCustomValidity(
        "Signed register: " + file.name + " is " + mb + " MB; at most 10 MB is allowed."
      );
      input.reportValidity();
    } else {
      input.setCustomValidity("");
    }
  });
})();
