// paygate dashboard: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // The mode and language switches submit only from their buttons: a form
  // that submits when a select changes moves the page while a keyboard user
  // is still arrowing through the options (WCAG 3.2.2, on input).
  // On a narrow screen the menu scrolls sideways: keep the current page's
  // entry in view.
  var current = document.querySelector(".top nav a[aria-current=page]");
  if (current && current.scrollIntoView) {
    current.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  // Select a newly created key's secret or an invoice's link for copying.
  var secret = document.getElementById("new-key-secret") || document.getElementById("invoice-link");
  if (secret && window.getSelection) {
    var range = document.createRange();
    range.selectNodeContents(secret);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
})();
