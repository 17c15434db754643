// The example shop's own script. On the hosted-fields page it mounts
// paygate's fields and sends the token to the shop's server; on the
// encryption page it encrypts the card fields before the form is sent.
(function () {
  "use strict";
  var pay = document.getElementById("pay");
  var cse = document.getElementById("cse-form");
  if (cse) {
    PayGate.encryption.setKey(document.getElementById("paygate-key").textContent);
    cse.addEventListener("submit", function (ev) {
      if (cse.dataset.encrypted) return;
      ev.preventDefault();
      PayGate.encryption.encryptForm(cse).then(function () {
        cse.dataset.encrypted = "1";
        cse.submit();
      });
    });
    return;
  }
  var result = document.getElementById("result");
  var fields = PayGate({ publishableKey: pay.dataset.key }).fields({ number: "#card-number", expiry: "#card-expiry", cvc: "#card-cvc" });
  fields.on("change", function (e) { if (e.field === "number") pay.dataset.brand = e.brand || ""; });
  pay.addEventListener("click", function () {
    result.textContent = "";
    fields.submit({
      holder: document.getElementById("holder").value,
      successHandler: function (r) {
        result.dataset.token = r.token;
        fetch("/fields/pay", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: r.token, key: r.key }) })
          .then(function (res) { return res.json(); })
          .then(function (p) { result.textContent = "Payment " + p.id + " is " + p.status; result.dataset.status = p.status; });
      },
      errorHandler: function (e) { result.textContent = "Error: " + e.message; result.dataset.error = e.code; }
    });
  });
})();
