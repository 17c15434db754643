package opentrade

import (
	"encoding/xml"
	"net/http"
)

// Parameter is one name and value of a PaymentFormAnswer.
type Parameter struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

// FormResult is the Result element of a PaymentFormAnswer.
type FormResult struct {
	RequestMethod string      `xml:"RequestMethod"`
	RequestURL    string      `xml:"RequestUrl"`
	Parameters    []Parameter `xml:"Parameters>Parameter"`
}

// PaymentFormAnswer is what the OpenTrade side builds the payer's form
// from. ErrorCode is "Ok" with a Result; otherwise one of the codes below
// with ErrorDescription (paygate's addition: the vendor publishes only "Ok").
type PaymentFormAnswer struct {
	XMLName          xml.Name    `xml:"PaymentFormAnswer"`
	ErrorCode        string      `xml:"ErrorCode"`
	ErrorDescription string      `xml:"ErrorDescription,omitempty"`
	Result           *FormResult `xml:"Result,omitempty"`
}

// ErrorCode values of a PaymentFormAnswer.
const (
	CodeOk                   = "Ok"
	CodeInvalidParameter     = "InvalidParameter"
	CodeAuthenticationFailed = "AuthenticationFailed"
	CodeInternalError        = "InternalError"
)

// writeAnswer writes a PaymentFormAnswer with the XML declaration of the
// vendor's sample.
func writeAnswer(w http.ResponseWriter, status int, a *PaymentFormAnswer) {
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("<PaymentFormAnswer><ErrorCode>InternalError</ErrorCode></PaymentFormAnswer>")
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(b)
	w.Write([]byte("\n"))
}
