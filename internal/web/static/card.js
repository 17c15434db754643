// paygate card checks shared by the hosted page and the hosted fields.
// The server checks everything again; these only help the payer early.
(function (g) {
  "use strict";
  var brands = [
    ["amex", /^3[47]/, [15], 4],
    ["diners", /^3(0[0-5]|[689])/, [14, 16, 19], 3],
    ["jcb", /^35(2[89]|[3-8])/, [16, 17, 18, 19], 3],
    ["visa", /^4/, [13, 16, 19], 3],
    ["mastercard", /^(5[1-5]|2(2[2-9]|[3-6]|7[01]|720))/, [16], 3],
    ["discover", /^(6011|65|64[4-9]|622)/, [16, 19], 3],
    ["unionpay", /^62/, [16, 17, 18, 19], 3],
    ["maestro", /^(5[06-9]|6)/, [12, 13, 14, 15, 16, 17, 18, 19], 3]
  ];
  function digits(s) { return String(s || "").replace(/[\s-]/g, ""); }
  function brand(n) {
    n = digits(n);
    for (var i = 0; i < brands.length; i++) if (brands[i][1].test(n)) return brands[i];
    return null;
  }
  function luhn(n) {
    var sum = 0, alt = false;
    for (var i = n.length - 1; i >= 0; i--) {
      var d = n.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return false;
      if (alt) { d *= 2; if (d > 9) d -= 9; }
      sum += d; alt = !alt;
    }
    return n.length > 0 && sum % 10 === 0;
  }
  g.PGCard = {
    digits: digits,
    brandName: function (n) { var b = brand(n); return b ? b[0] : ""; },
    validNumber: function (n) {
      n = digits(n);
      var b = brand(n);
      return /^\d+$/.test(n) && luhn(n) && (b ? b[2].indexOf(n.length) >= 0 : n.length >= 12 && n.length <= 19);
    },
    // parseExpiry reads "MM/YY", "MM / YYYY" or "MMYY" into {month, year}.
    parseExpiry: function (s) {
      var m = String(s || "").replace(/\s/g, "").match(/^(\d{1,2})\/?(\d{2}|\d{4})$/);
      if (!m) return null;
      var month = +m[1], year = +m[2];
      if (year < 100) year += 2000;
      return month >= 1 && month <= 12 ? { month: month, year: year } : null;
    },
    validExpiry: function (s, now) {
      var e = this.parseExpiry(s);
      now = now || new Date();
      if (!e) return false;
      var y = now.getFullYear(), m = now.getMonth() + 1;
      return (e.year > y || (e.year === y && e.month >= m)) && e.year <= y + 20;
    },
    validCVC: function (cvc, number) {
      var b = brand(number);
      var len = b ? b[3] : 3;
      return new RegExp("^\\d{" + len + "}$").test(String(cvc || "")) || (!b && /^\d{3,4}$/.test(String(cvc || "")));
    },
    // format groups the number as it is typed (4-6-5 for Amex).
    format: function (n) {
      n = digits(n).slice(0, 19);
      var b = brand(n), groups = b && b[0] === "amex" ? [4, 6, 5] : [4, 4, 4, 4, 3];
      var out = [], i = 0;
      for (var g2 = 0; g2 < groups.length && i < n.length; g2++) { out.push(n.slice(i, i + groups[g2])); i += groups[g2]; }
      return out.join(" ");
    }
  };
})(window);
