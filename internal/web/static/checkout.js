// The hosted payment page: brand detection and inline checks as the payer
// types, errors announced to assistive technology, saved-card choice.
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form) return;
  var msg = form.dataset;
  var number = document.getElementById("card-number");
  var expiry = document.getElementById("card-expiry");
  var cvc = document.getElementById("card-cvc");
  var brandOut = document.getElementById("card-brand");
  var summary = document.getElementById("form-errors");

  function setError(input, text) {
    var out = document.getElementById(input.id + "-error");
    out.textContent = text || "";
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }
  function newCard() {
    var chosen = form.querySelector('input[name="saved"]:checked');
    return !chosen || chosen.value === "";
  }
  function check(input) {
    if (!newCard()) return true;
    var v = input.value, ok = true, text = "";
    if (input === number) { ok = PGCard.validNumber(v); text = msg.msgNumber; }
    if (input === expiry) { ok = PGCard.validExpiry(v); text = msg.msgExpiry; }
    if (input === cvc) { ok = PGCard.validCVC(v, number.value); text = msg.msgCvc; }
    if (input === number && ok && msg.brands) {
      var b = PGCard.brandName(v);
      if (msg.brands.split(" ").indexOf(b) < 0) { ok = false; text = msg.msgBrand; }
    }
    setError(input, ok ? "" : text);
    return ok;
  }
  number.addEventListener("input", function () {
    var pos = number.selectionStart === number.value.length;
    number.value = PGCard.format(number.value);
    if (pos) number.selectionStart = number.selectionEnd = number.value.length;
    var b = PGCard.brandName(number.value);
    brandOut.textContent = b ? (msg["brand" + b.charAt(0).toUpperCase() + b.slice(1)] || b) : "";
    form.dataset.brand = b;
    cvc.maxLength = b === "amex" ? 4 : 3;
  });
  expiry.addEventListener("input", function () {
    var d = expiry.value.replace(/[^\d]/g, "").slice(0, 4);
    expiry.value = d.length > 2 ? d.slice(0, 2) + "/" + d.slice(2) : d;
  });
  [number, expiry, cvc].forEach(function (el) {
    el.addEventListener("blur", function () { if (el.value) check(el); });
  });
  form.querySelectorAll('input[name="saved"]').forEach(function (r) {
    r.addEventListener("change", function () {
      form.classList.toggle("using-saved", !newCard());
      [number, expiry, cvc].forEach(function (el) { el.required = newCard(); if (!newCard()) setError(el, ""); });
    });
  });
  form.addEventListener("submit", function (ev) {
    var bad = [number, expiry, cvc].filter(function (el) { return !check(el); });
    if (bad.length) {
      ev.preventDefault();
      summary.textContent = msg.msgFix;
      bad[0].focus();
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  });
})();
