// One hosted field, inside an iframe served by paygate. The card number,
// expiry and CVC frames talk only to each other (a BroadcastChannel, which
// is same-origin: paygate's) and send the merchant page nothing but the
// token, its key and the masked card. The number frame is the controller:
// on the page's submit it collects the other two and tokenizes.
(function () {
  "use strict";
  var cfg = document.body.dataset;
  var field = cfg.field, parentOrigin = cfg.origin;
  var input = document.getElementById("f");
  var out = document.getElementById("f-error");
  var channel = new BroadcastChannel("paygate-fields-" + cfg.channel);
  var others = {};

  function post(msg) { window.parent.postMessage(msg, parentOrigin); }
  function valid() {
    if (field === "number") return PGCard.validNumber(input.value);
    if (field === "expiry") return PGCard.validExpiry(input.value);
    return /^\d{3,4}$/.test(input.value);
  }
  function mark(ok) {
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    out.textContent = ok ? "" : cfg.msg;
  }
  input.addEventListener("input", function () {
    if (field === "number") input.value = PGCard.format(input.value);
    if (field === "expiry") {
      var d = input.value.replace(/[^\d]/g, "").slice(0, 4);
      input.value = d.length > 2 ? d.slice(0, 2) + "/" + d.slice(2) : d;
    }
    if (field === "cvc") input.value = input.value.replace(/[^\d]/g, "").slice(0, 4);
    var change = { type: "paygate:change", field: field, complete: valid() };
    if (field === "number") change.brand = PGCard.brandName(input.value);
    post(change);
  });
  input.addEventListener("blur", function () { if (input.value) mark(valid()); });

  channel.onmessage = function (ev) {
    var m = ev.data || {};
    if (m.type === "collect" && field !== "number") {
      channel.postMessage({ type: "value", field: field, value: input.value, valid: valid() });
    } else if (m.type === "value" && field === "number") {
      others[m.field] = m;
    } else if (m.type === "invalid" && m.field === field) {
      mark(false);
    } else if (m.type === "clear") {
      input.value = "";
    }
  };

  if (field !== "number") return;

  function fail(code, message, which) {
    post({ type: "paygate:error", code: code, message: message, field: which || null });
  }
  function collect() {
    others = {};
    channel.postMessage({ type: "collect" });
    return new Promise(function (resolve) {
      var waited = 0;
      (function wait() {
        if ((others.expiry && others.cvc) || waited > 3000) return resolve();
        waited += 20;
        setTimeout(wait, 20);
      })();
    });
  }
  window.addEventListener("message", function (ev) {
    if (ev.origin !== parentOrigin || !ev.data || ev.data.type !== "paygate:submit") return;
    collect().then(function () {
      var exp = others.expiry, cvc = others.cvc;
      if (!exp || !cvc) return fail("fields_missing", "the expiry and CVC fields must be mounted");
      if (!valid()) { mark(false); return fail("incorrect_number", cfg.msg, "number"); }
      if (!exp.valid) { channel.postMessage({ type: "invalid", field: "expiry" }); return fail("invalid_expiry", "the expiry date is not valid", "expiry"); }
      if (!PGCard.validCVC(cvc.value, input.value)) { channel.postMessage({ type: "invalid", field: "cvc" }); return fail("invalid_cvc", "the security code is not valid", "cvc"); }
      var e = PGCard.parseExpiry(exp.value);
      return fetch("/v1/tokens", {
        method: "POST",
        credentials: "omit",
        headers: { "Authorization": "Bearer " + cfg.key, "Content-Type": "application/json" },
        body: JSON.stringify({ card: { number: PGCard.digits(input.value), exp_month: e.month, exp_year: e.year, cvc: cvc.value, holder: ev.data.holder || "" } })
      }).then(function (r) {
        return r.json().then(function (body) {
          if (r.status !== 201) return fail(body.code || "tokenization_failed", body.detail || "the card could not be tokenized", (body.param || "").replace("card.", "") || null);
          channel.postMessage({ type: "clear" });
          input.value = "";
          post({ type: "paygate:token", token: body.id, key: body.key, expires_at: body.expires_at,
                 card: { brand: body.card.brand, last4: body.card.last4, exp_month: body.card.exp_month, exp_year: body.card.exp_year } });
        });
      });
    }).catch(function () { fail("network_error", "paygate could not be reached"); });
  });
})();
