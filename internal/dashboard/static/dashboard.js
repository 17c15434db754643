// paygate dashboard: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // Switch modes as soon as one is chosen; the button stays for keyboards
  // and for browsers without scripts.
  // The same for the language.
  [["mode-select", "mode-switch"], ["lang-select", "lang-switch"]].forEach(function (ids) {
    var select = document.getElementById(ids[0]);
    var button = document.getElementById(ids[1]);
    if (select && button) {
      button.classList.add("sr");
      select.addEventListener("change", function () { select.form.submit(); });
    }
  });
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
