// The export form's "Select all" box checks or clears every column's box.
// import-export's template wires it with an inline onchange handler, which
// the Content-Security-Policy refuses; ctdb's template (admin/import_export/
// export.html) loads this file instead.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.getElementById("select-all-toggle");
  if (!toggle) {
    return;
  }
  toggle.addEventListener("change", function () {
    var boxes = document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
    boxes.forEach(function (box) {
      box.checked = toggle.checked;
    });
  });
});
