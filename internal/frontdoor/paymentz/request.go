package paymentz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Request is a parsed request body: every parameter by its dotted name
// ("authentication.memberId", "card.number"), whichever encoding it came in.
type Request map[string]string

// Get returns a parameter, "" when absent.
func (r Request) Get(name string) string { return r[name] }

const (
	maxDepth  = 6
	maxFields = 200
	maxValue  = 4096
)

var errBody = errors.New("the request body is not a valid form or JSON object")

// ParseRequest reads a body sent as application/x-www-form-urlencoded
// (dotted names) or application/json (nested objects, the same tree). Both
// spell the same parameters; numbers in JSON keep their text exactly ("50.00"
// stays "50.00"), since checksums are over the exact amount string. A name
// given twice, an array, invalid UTF-8, or more than 200 parameters is refused
// rather than guessed at. Error messages never repeat values (card data).
func ParseRequest(contentType string, body []byte) (Request, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/json" || (mt == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		return parseJSON(body)
	}
	return parseForm(body)
}

func parseForm(body []byte) (Request, error) {
	out := Request{}
	for _, pair := range strings.Split(string(body), "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, errBody
		}
		if err := out.add(name, value); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r Request) add(name, value string) error {
	switch {
	case name == "" || len(name) > 200 || !utf8.ValidString(name) || !utf8.ValidString(value):
		return errBody
	case len(value) > maxValue:
		return fmt.Errorf("parameter %q is too long", name)
	case len(r) >= maxFields:
		return errors.New("too many parameters")
	}
	if _, dup := r[name]; dup {
		return fmt.Errorf("parameter %q is given twice", name)
	}
	r[name] = value
	return nil
}

func parseJSON(body []byte) (Request, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	out := Request{}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, errBody
	}
	if err := out.object(dec, "", 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errBody
	}
	return out, nil
}

// object reads the members of an object whose '{' was consumed.
func (r Request) object(dec *json.Decoder, prefix string, depth int) error {
	if depth > maxDepth {
		return errors.New("the request body nests too deep")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errBody
		}
		key, ok := tok.(string)
		if !ok || key == "" || strings.Contains(key, ".") {
			return errBody
		}
		name := prefix + key
		tok, err = dec.Token()
		if err != nil {
			return errBody
		}
		switch v := tok.(type) {
		case json.Delim:
			if v != '{' {
				return fmt.Errorf("parameter %q: arrays are not accepted", name)
			}
			if err := r.object(dec, name+".", depth+1); err != nil {
				return err
			}
		case string:
			err = r.add(name, v)
		case json.Number:
			err = r.add(name, v.String())
		case bool:
			err = r.add(name, fmt.Sprint(v))
		case nil:
			// null is absent
		}
		if err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return errBody
	}
	return nil
}
