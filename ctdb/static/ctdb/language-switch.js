// Submit the admin's language form as soon as a language is chosen.
// (An inline onchange handler would be refused by the Content-Security-Policy.)
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }
});
