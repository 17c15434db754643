package paymentz

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// response is every answer of the door. JSON uses the vendor's field names;
// XML has the root element <response> (the vendor's XML root is not in the
// reference, so paygate chose it) with the same names as child elements.
type response struct {
	XMLName               xml.Name  `json:"-" xml:"response"`
	PartnerID             string    `json:"partnerId,omitempty" xml:"partnerId,omitempty"`
	MemberID              string    `json:"memberId,omitempty" xml:"memberId,omitempty"`
	LoginName             string    `json:"LoginName,omitempty" xml:"LoginName,omitempty"`
	AuthToken             string    `json:"AuthToken,omitempty" xml:"AuthToken,omitempty"`
	PaymentID             string    `json:"paymentId,omitempty" xml:"paymentId,omitempty"`
	PaymentType           string    `json:"paymentType,omitempty" xml:"paymentType,omitempty"`
	PaymentBrand          string    `json:"paymentBrand,omitempty" xml:"paymentBrand,omitempty"`
	PaymentMode           string    `json:"paymentMode,omitempty" xml:"paymentMode,omitempty"`
	Amount                string    `json:"amount,omitempty" xml:"amount,omitempty"`
	Currency              string    `json:"currency,omitempty" xml:"currency,omitempty"`
	Descriptor            string    `json:"descriptor,omitempty" xml:"descriptor,omitempty"`
	MerchantTransactionID string    `json:"merchantTransactionId,omitempty" xml:"merchantTransactionId,omitempty"`
	Result                result    `json:"result" xml:"result"`
	TransactionStatus     string    `json:"transactionStatus,omitempty" xml:"transactionStatus,omitempty"`
	Status                string    `json:"status,omitempty" xml:"status,omitempty"`
	Remark                string    `json:"remark,omitempty" xml:"remark,omitempty"`
	Card                  *cardView `json:"card,omitempty" xml:"card,omitempty"`
	Redirect              *redirect `json:"redirect,omitempty" xml:"redirect,omitempty"`
	RegistrationID        string    `json:"registrationId,omitempty" xml:"registrationId,omitempty"`
	// Transactions and Pagination answer getTransactionList.
	Transactions []*response  `json:"transactions,omitempty" xml:"transaction,omitempty"`
	Pagination   *pagination  `json:"pagination,omitempty" xml:"pagination,omitempty"`
	Invoice      *invoiceView `json:"invoice,omitempty" xml:"invoice,omitempty"`
	// Balances answers getPayoutBalance: in JSON a list (empty for a
	// member with no money yet), in XML <balances><balance>…</balance></balances>.
	Balances    *[]balanceView `json:"balances,omitempty" xml:"-"`
	BalancesXML *balancesXML   `json:"-" xml:"balances,omitempty"`
	// Cards and Accounts answer getCardsAndAccounts; PaymentTypes and
	// Currencies getPaymentAndCardType.
	Cards           *[]savedCard       `json:"cards,omitempty" xml:"-"`
	CardsXML        *savedCardsXML     `json:"-" xml:"cards,omitempty"`
	Accounts        *[]string          `json:"accounts,omitempty" xml:"-"`
	PaymentTypes    *[]paymentTypeView `json:"paymentTypes,omitempty" xml:"-"`
	PaymentTypesXML *paymentTypesXML   `json:"-" xml:"paymentTypes,omitempty"`
	Currencies      *[]string          `json:"currencies,omitempty" xml:"currencies>currency,omitempty"`
	Timestamp       string             `json:"timestamp" xml:"timestamp"`
}

type result struct {
	Code        string `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// cardView is the masked card: first six and last four digits only.
type cardView struct {
	Bin         string `json:"bin" xml:"bin"`
	Last4Digits string `json:"last4Digits" xml:"last4Digits"`
	Holder      string `json:"holder,omitempty" xml:"holder,omitempty"`
	ExpiryMonth string `json:"expiryMonth" xml:"expiryMonth"`
	ExpiryYear  string `json:"expiryYear" xml:"expiryYear"`
}

type redirect struct {
	URL        string  `json:"url" xml:"url"`
	Method     string  `json:"method" xml:"method"`
	Target     string  `json:"target" xml:"target"`
	Parameters []param `json:"parameters" xml:"parameters>parameter"`
}

type param struct {
	Name  string `json:"name" xml:"name"`
	Value string `json:"value" xml:"value"`
}

// timestampLayout is the vendor's yyyy-MM-dd HH:mm:ss; paygate writes UTC.
const timestampLayout = "2006-01-02 15:04:05"

func stamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// paymentView is the answer of an initial payment and of an inquiry.
func paymentView(p *payment.Payment, now time.Time) *response {
	long := longStatus(p)
	r := &response{
		PaymentID: doorPaymentID(p), PaymentType: paymentType(p), PaymentBrand: brandName(p.Card.Brand), PaymentMode: "CC",
		Amount: formatAmount(p.Amount, p.Currency), Currency: p.Currency.Code, Descriptor: p.Description,
		MerchantTransactionID: p.Reference, Result: paymentResult(p), TransactionStatus: shortStatus(long), Status: long,
		Remark: p.FailureMessage, Timestamp: stamp(now),
	}
	if p.Card.Last4 != "" {
		r.Card = &cardView{Bin: p.Card.First6, Last4Digits: p.Card.Last4, Holder: p.Card.Holder,
			ExpiryMonth: fmt.Sprintf("%02d", p.Card.ExpMonth), ExpiryYear: fmt.Sprintf("%04d", p.Card.ExpYear)}
	}
	r.RegistrationID = p.Mandate
	if p.Status == payment.RequiresAction && p.NextAction != nil {
		r.Redirect = &redirect{URL: p.NextAction.RedirectURL, Method: "GET", Target: "_self", Parameters: []param{}}
	}
	return r
}

// backofficeView is the short answer of CP, RF and RV: paymentId, result, timestamp.
func backofficeView(p *payment.Payment, res result, now time.Time) *response {
	return &response{PaymentID: doorPaymentID(p), Result: res, Timestamp: stamp(now)}
}

// wantsXML reports whether the Accept header asks for XML before JSON.
func wantsXML(accept string) bool {
	x, j := strings.Index(accept, "xml"), strings.Index(accept, "json")
	return x >= 0 && (j < 0 || x < j)
}

// encode writes r as JSON or XML; stored (idempotent) answers are kept as
// JSON and re-encoded, so a retry may ask for the other format.
func encode(w http.ResponseWriter, r *http.Request, status int, body *response) {
	var out []byte
	if wantsXML(r.Header.Get("Accept")) {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		b, _ := xml.MarshalIndent(body, "", "  ")
		out = append([]byte(xml.Header), b...)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		out, _ = json.MarshalIndent(body, "", "  ")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(out, '\n'))
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
