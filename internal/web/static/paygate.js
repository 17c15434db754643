// paygate.js: include it on your payment page from your paygate server.
//
// Hosted fields (card data never touches your page):
//   var pg = PayGate({ publishableKey: "pk_test_…" });
//   var fields = pg.fields({ number: "#card-number", expiry: "#card-expiry", cvc: "#card-cvc" });
//   fields.submit({ holder: "Ana Pay",
//     successHandler: function (r) { /* send r.token and r.key to your server */ },
//     errorHandler: function (e) { /* e.code, e.message, e.field */ } });
//
// Client-side encryption (your page holds the fields, paygate's public key
// encrypts them in the browser; your server forwards the ciphertexts):
//   PayGate.encryption.setKey(pemText);
//   PayGate.encryption.encrypt("4242424242424242").then(function (b64) { … });
//   PayGate.encryption.encryptForm(formElement) // fields marked data-paygate-encrypt="number"|"cvc"
(function (g) {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : "";

  function randomId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function PayGate(opts) {
    if (!(this instanceof PayGate)) return new PayGate(opts);
    if (!opts || !/^pk_(test|live)_/.test(opts.publishableKey || "")) throw new Error("PayGate: a publishable key (pk_test_… or pk_live_…) is required");
    this.key = opts.publishableKey;
    this.base = opts.baseURL || base;
    this.locale = opts.locale || document.documentElement.lang || "en";
  }

  PayGate.prototype.fields = function (sel) {
    var self = this, channel = randomId(), frames = {}, handlers = null, listeners = {};
    ["number", "expiry", "cvc"].forEach(function (name) {
      var host = typeof sel[name] === "string" ? document.querySelector(sel[name]) : sel[name];
      if (!host) throw new Error("PayGate: no element for the " + name + " field");
      var f = document.createElement("iframe");
      var q = new URLSearchParams({ field: name, channel: channel, origin: location.origin, locale: self.locale });
      if (name === "number") q.set("key", self.key);
      f.src = self.base + "/fields/frame?" + q.toString();
      f.title = { number: "Card number", expiry: "Expiry date", cvc: "Security code" }[name];
      f.setAttribute("scrolling", "no");
      f.style.border = "0"; f.style.width = "100%"; f.style.height = (sel.height || 44) + "px";
      host.appendChild(f);
      frames[name] = f;
    });
    window.addEventListener("message", function (ev) {
      if (ev.origin !== self.base || !ev.data || typeof ev.data.type !== "string") return;
      var m = ev.data;
      if (m.type === "paygate:change" && listeners.change) listeners.change({ field: m.field, complete: m.complete, brand: m.brand });
      if (!handlers) return;
      if (m.type === "paygate:token") { var h = handlers; handlers = null; h.successHandler({ token: m.token, key: m.key, expires_at: m.expires_at, card: m.card }); }
      if (m.type === "paygate:error") { var h2 = handlers; handlers = null; h2.errorHandler({ code: m.code, message: m.message, field: m.field }); }
    });
    return {
      on: function (event, fn) { listeners[event] = fn; },
      submit: function (h) {
        if (!h || typeof h.successHandler !== "function" || typeof h.errorHandler !== "function") throw new Error("PayGate: submit needs successHandler and errorHandler");
        handlers = h;
        frames.number.contentWindow.postMessage({ type: "paygate:submit", holder: h.holder || "" }, self.base);
      }
    };
  };

  function pemToDer(pem) {
    var b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    var bin = atob(b64), der = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
    return der.buffer;
  }
  var keyPromise = null;
  PayGate.encryption = {
    setKey: function (pem) {
      keyPromise = crypto.subtle.importKey("spki", pemToDer(pem), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
      return keyPromise;
    },
    encrypt: function (value) {
      if (!keyPromise) return Promise.reject(new Error("PayGate.encryption: call setKey with the merchant's public key first"));
      return keyPromise.then(function (k) {
        return crypto.subtle.encrypt({ name: "RSA-OAEP" }, k, new TextEncoder().encode(String(value)));
      }).then(function (ct) {
        var s = "", b = new Uint8Array(ct);
        for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
        return btoa(s);
      });
    },
    // encryptForm replaces the form's fields marked data-paygate-encrypt
    // with hidden encrypted_<name> inputs and blanks the clear ones, so
    // only ciphertext is submitted.
    encryptForm: function (form) {
      var enc = this, fields = form.querySelectorAll("[data-paygate-encrypt]");
      return Promise.all(Array.prototype.map.call(fields, function (el) {
        var name = el.getAttribute("data-paygate-encrypt");
        return enc.encrypt(PGDigits(el.value)).then(function (ct) {
          var h = form.querySelector('input[name="encrypted_' + name + '"]') || document.createElement("input");
          h.type = "hidden"; h.name = "encrypted_" + name; h.value = ct;
          form.appendChild(h);
          el.removeAttribute("name");
          el.value = "";
        });
      }));
    }
  };
  function PGDigits(s) { return String(s || "").replace(/[\s-]/g, ""); }

  g.PayGate = PayGate;
})(window);
