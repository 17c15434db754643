package web

// messages are the hosted pages' words per locale. Card brands and
// processor messages stay in their own language.
var messages = map[string]map[string]string{
	"en": {
		"title": "Secure payment", "testMode": "Test mode: no real money moves", "number": "Card number",
		"expiry": "Expiry date", "expiryHint": "MM/YY", "cvc": "Security code", "holder": "Name on card",
		"savedCards": "Saved cards", "newCard": "Use a new card", "saveCard": "Save this card for next time",
		"pay": "Pay %s", "cancel": "Cancel and return to the shop", "secure": "Card details are sent to paygate over an encrypted connection and are not shared with the shop.",
		"errNumber": "Enter a valid card number.", "errExpiry": "Enter a valid expiry date (MM/YY) in the future.",
		"errCVC": "Enter the security code (3 digits, 4 for American Express).", "errBrand": "This card brand is not accepted here.",
		"errFix": "Please correct the highlighted fields.", "declined": "The payment was declined: %s Try another card.",
		"paidTitle": "Payment received", "paidText": "This checkout has been paid. Thank you.", "backToShop": "Return to the shop",
		"expiredTitle": "This checkout has expired", "expiredText": "Start again from the shop to pay.",
		"notFoundTitle": "Checkout not found", "notFoundText": "This payment link is not valid.",
		"inProgress":  "A payment for this checkout is already in progress. Wait a moment, then reload.",
		"returnTitle": "Return to the shop", "returnText": "We could not match this browser to a checkout. Return to the shop to see your order.",
		"errGeneric":   "The payment could not be made: %s",
		"notCompleted": "The payment was not completed: %s Return to the shop to try again.",
		"acsTitle":     "3-D Secure", "acsBadge": "paygate sandbox ACS · 3-D Secure 2", "acsHeading": "Confirm this purchase",
		"acsHint": "Enter the one-time password your bank sent you. In the sandbox it is password or 1234; anything else fails the challenge.",
		"acsOTP":  "One-time password", "acsSubmit": "Submit",
		"acsExpired":       "This form has expired. Go back and try again.",
		"invoiceClosed":    "This invoice can no longer be paid here (it was canceled or its link expired). Contact the seller.",
		"invoiceUnpayable": "This invoice cannot be paid online at the moment. Please contact the seller.",
	},
	"ar": {
		"title": "دفع آمن", "testMode": "وضع الاختبار: لا تنتقل أموال حقيقية", "number": "رقم البطاقة",
		"expiry": "تاريخ الانتهاء", "expiryHint": "شهر/سنة", "cvc": "رمز الأمان", "holder": "الاسم على البطاقة",
		"savedCards": "البطاقات المحفوظة", "newCard": "استخدام بطاقة جديدة", "saveCard": "احفظ هذه البطاقة للمرة القادمة",
		"pay": "ادفع %s", "cancel": "إلغاء والعودة إلى المتجر", "secure": "تُرسل بيانات البطاقة إلى paygate عبر اتصال مشفر ولا تتم مشاركتها مع المتجر.",
		"errNumber": "أدخل رقم بطاقة صحيحًا.", "errExpiry": "أدخل تاريخ انتهاء صحيحًا (شهر/سنة) في المستقبل.",
		"errCVC": "أدخل رمز الأمان (3 أرقام، أو 4 لبطاقات أمريكان إكسبريس).", "errBrand": "نوع هذه البطاقة غير مقبول هنا.",
		"errFix": "يرجى تصحيح الحقول المميزة.", "declined": "تم رفض الدفع: %s جرّب بطاقة أخرى.",
		"paidTitle": "تم استلام الدفعة", "paidText": "تم دفع هذا الطلب. شكرًا لك.", "backToShop": "العودة إلى المتجر",
		"expiredTitle": "انتهت صلاحية صفحة الدفع", "expiredText": "ابدأ من جديد من المتجر لإتمام الدفع.",
		"notFoundTitle": "صفحة الدفع غير موجودة", "notFoundText": "رابط الدفع هذا غير صالح.",
		"inProgress":  "هناك عملية دفع قيد التنفيذ لهذا الطلب. انتظر قليلًا ثم أعد تحميل الصفحة.",
		"returnTitle": "العودة إلى المتجر", "returnText": "تعذر ربط هذا المتصفح بعملية دفع. عد إلى المتجر لمعرفة حالة طلبك.",
		"errGeneric":   "تعذر إتمام الدفع: %s",
		"notCompleted": "لم يكتمل الدفع: %s عد إلى المتجر للمحاولة مرة أخرى.",
		"acsTitle":     "التحقق الآمن 3-D Secure", "acsBadge": "خادم التحقق التجريبي من paygate · 3-D Secure 2", "acsHeading": "أكّد عملية الشراء",
		"acsHint": "أدخل كلمة المرور لمرة واحدة التي أرسلها إليك البنك. في وضع الاختبار هي password أو 1234، وأي قيمة أخرى تُفشل التحقق.",
		"acsOTP":  "كلمة المرور لمرة واحدة", "acsSubmit": "إرسال",
		"acsExpired":       "انتهت صلاحية هذا النموذج. عد وحاول مرة أخرى.",
		"invoiceClosed":    "لم يعد من الممكن دفع هذه الفاتورة هنا (أُلغيت أو انتهت صلاحية رابطها). تواصل مع البائع.",
		"invoiceUnpayable": "لا يمكن دفع هذه الفاتورة عبر الإنترنت حاليًا. يرجى التواصل مع البائع.",
	},
}

func dirOf(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

func textsFor(lang string) map[string]string {
	if m, ok := messages[lang]; ok {
		return m
	}
	return messages["en"]
}
