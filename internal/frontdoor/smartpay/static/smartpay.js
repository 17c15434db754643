// smartpay.js: the SmartPay widget served by paygate. Include it from your
// paygate server and initialize it with the checkoutToken of
// POST /payment/creation:
//
//   <script src="https://pay.example.com/payment/widget/smartpay.js"></script>
//   <div id="smartpay-widget"></div>
//   SmartPay.widget({ checkoutToken: "ct_…", container: "#smartpay-widget",
//     successHandler: function (r) { /* tell your server; it calls GET /payment/status/{r.transactionId} */ },
//     errorHandler: function (e) { /* e.code ("CANCELLED"), e.message */ } });
//
// The payer types the card into paygate's hosted checkout page framed here
// (paygate's origin: your page's scripts cannot read it). Declines are shown
// in the frame and the payer may try another card; the handlers are called
// once, when the payment went through or the payer cancelled.
(function (g) {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : "";

  function widget(opts) {
    if (!opts || !/^ct_[0-9a-z]+$/.test(opts.checkoutToken || "")) throw new Error("SmartPay: a checkoutToken is required");
    if (typeof opts.successHandler !== "function" || typeof opts.errorHandler !== "function") throw new Error("SmartPay: successHandler and errorHandler are required");
    var host = typeof opts.container === "string" ? document.querySelector(opts.container) : opts.container;
    if (!host) throw new Error("SmartPay: no element for the widget");
    var origin = opts.baseURL ? new URL(opts.baseURL).origin : base;
    var f = document.createElement("iframe");
    f.src = origin + "/checkout/" + encodeURIComponent(opts.checkoutToken);
    f.title = "Payment";
    f.style.border = "0"; f.style.width = "100%"; f.style.height = (opts.height || 640) + "px";
    host.appendChild(f);
    var done = false;
    function onMessage(ev) {
      if (done || ev.origin !== origin || ev.source !== f.contentWindow || !ev.data || ev.data.type !== "smartpay:result") return;
      done = true;
      window.removeEventListener("message", onMessage);
      if (ev.data.result === "success") opts.successHandler({ transactionId: ev.data.transactionId || null });
      else opts.errorHandler({ code: "CANCELLED", message: "The payer cancelled the payment." });
    }
    window.addEventListener("message", onMessage);
    return {
      destroy: function () {
        done = true;
        window.removeEventListener("message", onMessage);
        if (f.parentNode) f.parentNode.removeChild(f);
      }
    };
  }

  g.SmartPay = { widget: widget };
})(window);
