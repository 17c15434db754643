package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/pmconfig"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/webhook"
)

// Store is durable state. Implementations: store/sqlite (embedded default) and
// store/postgres. Every Store passes the store/storetest conformance suite.
type Store interface {
	// Update runs fn inside one write transaction and commits before it
	// returns nil: the change is on disk when Update returns. If fn returns an
	// error nothing it wrote is kept. Implementations may commit concurrent
	// calls together (group commit); fn must therefore not block on anything
	// but the Tx: no Reader calls (they need another connection, and a pool
	// of waiting transactions would starve), and no nested Update.
	Update(ctx context.Context, fn func(Tx) error) error
	Reader
	// DeleteIdempotencyKeys deletes completed keys created before a time and
	// counts the unfinished ones that old, which it keeps for recovery.
	DeleteIdempotencyKeys(ctx context.Context, createdBefore time.Time) (deleted, unfinished int, err error)
	// Ping reports whether the store is reachable (readiness).
	Ping(ctx context.Context) error
	Close() error
}

// Reader holds the queries that need no write transaction. Each answers a
// fault.NotFound error for an object of another merchant or mode.
type Reader interface {
	GetMerchant(ctx context.Context, id string) (*merchant.Merchant, error)
	// FindAPIKey returns the key with this hash, revoked or not; NotFound if none.
	FindAPIKey(ctx context.Context, hash string) (*auth.APIKey, error)
	ListAPIKeys(ctx context.Context, merchantID string) ([]*auth.APIKey, error)
	// GetAPIKey returns the merchant's key in a mode; NotFound otherwise.
	GetAPIKey(ctx context.Context, merchantID string, mode payment.Mode, id string) (*auth.APIKey, error)
	// FindOAuthToken returns the access token with this hash; NotFound if none.
	FindOAuthToken(ctx context.Context, hash string) (*auth.Token, error)
	// FindUserByEmail returns the person with this (normalized) email; NotFound if none.
	FindUserByEmail(ctx context.Context, email string) (*auth.User, error)
	GetUser(ctx context.Context, merchantID, id string) (*auth.User, error)
	ListUsers(ctx context.Context, merchantID string) ([]*auth.User, error)
	// FindSession returns the session with this hash; NotFound if none.
	FindSession(ctx context.Context, hash string) (*auth.Session, error)
	// CustomerAnswerKeys lists the Idempotency-Keys, made since a time, whose
	// stored answer is the customer object (creation and updates): an
	// erasure deletes them, so no retry replays the personal data.
	CustomerAnswerKeys(ctx context.Context, merchantID string, mode payment.Mode, customerID string, since time.Time) ([]string, error)
	// ListAuditEvents returns a merchant's audit events, newest first.
	ListAuditEvents(ctx context.Context, f AuditFilter) ([]*audit.Event, error)
	GetPayment(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error)
	ListPayments(ctx context.Context, f PaymentFilter) ([]*payment.Payment, error)
	// ListOperations returns a payment's operations, oldest first.
	ListOperations(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) ([]*payment.Operation, error)
	// Balances sums a merchant's ledger lines by role and currency.
	Balances(ctx context.Context, merchantID string, mode payment.Mode) ([]Balance, error)
	// UnbalancedPostings returns the ids of postings whose lines do not sum to
	// zero per currency (there must be none).
	UnbalancedPostings(ctx context.Context) ([]string, error)
	// EachPaymentBalance calls fn for every payment with the sums of its
	// ledger lines by role, for ledger verification.
	EachPaymentBalance(ctx context.Context, fn func(*payment.Payment, ledger.PaymentBalances) error) error
	// PendingOperations lists captures, voids and refunds (any merchant) still
	// pending and last updated before a time: their outcome was not known.
	PendingOperations(ctx context.Context, updatedBefore time.Time, limit int) ([]*payment.Operation, error)
	// PaymentsInStatus lists payments (any merchant) in a status last updated
	// before a time, for crash recovery and pending resolution.
	PaymentsInStatus(ctx context.Context, status payment.Status, updatedBefore time.Time, limit int) ([]*payment.Payment, error)

	// KEKChecks returns the stored check value of every key-encryption key version.
	KEKChecks(ctx context.Context) (map[int]string, error)
	// ListDataKeys returns every wrapped data key.
	ListDataKeys(ctx context.Context) ([]*vault.DataKey, error)
	GetCustomer(ctx context.Context, merchantID string, mode payment.Mode, id string) (*customer.Customer, error)
	// FindCustomerByReference finds a customer by the merchant's own id; NotFound if none.
	FindCustomerByReference(ctx context.Context, merchantID string, mode payment.Mode, ref string) (*customer.Customer, error)
	ListCustomers(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*customer.Customer, error)
	// GetPaymentMethod returns a vault record of the merchant and mode, in any status.
	GetPaymentMethod(ctx context.Context, merchantID string, mode payment.Mode, id string) (*vault.PaymentMethod, error)
	// ListCustomerPaymentMethods returns a customer's active saved cards, oldest first.
	ListCustomerPaymentMethods(ctx context.Context, merchantID string, mode payment.Mode, customerID string) ([]*vault.PaymentMethod, error)
	// CountPaymentMethodsByDataKey counts vault records sealed under each data key.
	CountPaymentMethodsByDataKey(ctx context.Context) (map[string]int, error)
	// ListEncryptionKeys returns a merchant's client-side encryption keys, newest first.
	ListEncryptionKeys(ctx context.Context, merchantID string, mode payment.Mode) ([]*vault.EncryptionKey, error)
	GetCheckoutSession(ctx context.Context, merchantID string, mode payment.Mode, id string) (*checkout.Session, error)
	// FindCheckoutSession finds a session by its token hash (any merchant); NotFound if none.
	FindCheckoutSession(ctx context.Context, tokenHash string) (*checkout.Session, error)
	// FindCheckoutSessionByPayment finds the session a payment was made for; NotFound if none.
	FindCheckoutSessionByPayment(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) (*checkout.Session, error)
	ListCheckoutSessions(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*checkout.Session, error)

	GetPayout(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payout.Payout, error)
	ListPayouts(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*payout.Payout, error)
	// PendingPayouts lists payouts (any merchant) still pending and last updated before a time.
	PendingPayouts(ctx context.Context, updatedBefore time.Time, limit int) ([]*payout.Payout, error)
	// EachPayoutBalance calls fn for every payout with its ledger sums by role.
	EachPayoutBalance(ctx context.Context, fn func(p *payout.Payout, pending, paid, available int64) error) error

	// ListPMConfigs returns every payment-method configuration of a merchant (both modes).
	ListPMConfigs(ctx context.Context, merchantID string) ([]*pmconfig.Config, error)
	GetPMConfig(ctx context.Context, merchantID string, mode payment.Mode, id string) (*pmconfig.Config, error)
	GetPMConfigByCode(ctx context.Context, merchantID string, mode payment.Mode, code string) (*pmconfig.Config, error)
	// ConfigVersion changes whenever a merchant's configurations do (cache validation).
	ConfigVersion(ctx context.Context, merchantID string) (int64, error)
	// CustomerConfigs lists the configuration codes a customer has paid with
	// successfully, under any of the names given (their reference and id).
	CustomerConfigs(ctx context.Context, merchantID string, mode payment.Mode, customers []string) ([]string, error)
	GetInvoice(ctx context.Context, merchantID string, mode payment.Mode, id string) (*invoice.Invoice, error)
	// FindInvoiceByToken finds an invoice by its payment link (any merchant).
	FindInvoiceByToken(ctx context.Context, tokenHash string) (*invoice.Invoice, error)
	ListInvoices(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*invoice.Invoice, error)
	// ListEmails lists the emails about an object, oldest first.
	ListEmails(ctx context.Context, merchantID string, mode payment.Mode, objectID string) ([]Email, error)
	GetMandate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Mandate, error)
	GetSubscription(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Schedule, error)
	ListSubscriptions(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*recurring.Schedule, error)

	// NotificationSecret returns the sealed notification secret of a merchant and mode.
	NotificationSecret(ctx context.Context, merchantID string, mode payment.Mode) (keyID string, sealed []byte, err error)
	// FindNotificationEndpoint finds the notification-scoped endpoint for a URL.
	FindNotificationEndpoint(ctx context.Context, merchantID string, mode payment.Mode, url, door string) (*webhook.Endpoint, error)
	ListEvents(ctx context.Context, f EventFilter) ([]*webhook.Event, error)
	GetEvent(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Event, error)
	ListWebhookEndpoints(ctx context.Context, merchantID string, mode payment.Mode) ([]*webhook.Endpoint, error)
	GetWebhookEndpoint(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Endpoint, error)
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*webhook.Delivery, error)
	GetDelivery(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Delivery, error)
	// ListAttempts returns a delivery's attempts, first first.
	ListAttempts(ctx context.Context, deliveryID string) ([]*webhook.Attempt, error)

	// FindDoorCredential returns a front door's credential by member id
	// (any merchant, revoked or not); NotFound if none.
	FindDoorCredential(ctx context.Context, door string, memberID int64) (*DoorCredential, error)
	// FindDoorCredentialByUsername is FindDoorCredential by login name.
	FindDoorCredentialByUsername(ctx context.Context, door, username string) (*DoorCredential, error)
	// FindDoorReference returns a front door's reference of a merchant and
	// mode (SmartPay's partnerReference); NotFound if none.
	FindDoorReference(ctx context.Context, door, merchantID string, mode payment.Mode, ref string) (*DoorReference, error)
}

// Tx is one write transaction. The methods that read inside it (…ForUpdate)
// lock the row until commit (PostgreSQL SELECT … FOR UPDATE; SQLite has one
// writer), so a check followed by a write cannot race another transaction.
type Tx interface {
	InsertMerchant(ctx context.Context, m *merchant.Merchant) error
	InsertAPIKey(ctx context.Context, k *auth.APIKey) error
	// GetAPIKey reads a merchant's key in a mode; NotFound otherwise.
	GetAPIKey(ctx context.Context, merchantID string, mode payment.Mode, id string) (*auth.APIKey, error)
	// RevokeAPIKey makes the merchant's key stop working at a time (now to
	// revoke, later to let a rolled key overlap its successor); an earlier
	// end is kept. NotFound if the key does not exist or has already ended.
	RevokeAPIKey(ctx context.Context, merchantID, keyID string, at time.Time) error

	InsertOAuthToken(ctx context.Context, t *auth.Token) error
	// RevokeOAuthToken ends the merchant's token with this hash at a time;
	// it reports whether a live token was revoked.
	RevokeOAuthToken(ctx context.Context, merchantID, hash string, at time.Time) (bool, error)

	InsertUser(ctx context.Context, u *auth.User) error
	// GetUserForUpdate reads and locks a merchant's person; NotFound otherwise.
	GetUserForUpdate(ctx context.Context, merchantID, id string) (*auth.User, error)
	// UpdateUser writes a person's name, role, grants, password, second
	// factor and disabled time.
	UpdateUser(ctx context.Context, u *auth.User) error
	InsertSession(ctx context.Context, s *auth.Session) error
	// RevokeSession ends a session (by hash) at a time.
	RevokeSession(ctx context.Context, hash string, at time.Time) error
	// RevokeUserSessions ends every live session of a person but the one
	// with id except ("" for none).
	RevokeUserSessions(ctx context.Context, merchantID, userID, except string, at time.Time) error
	// InsertAuditEvent appends to the audit log (which refuses updates and deletes).
	InsertAuditEvent(ctx context.Context, e *audit.Event) error

	InsertPayment(ctx context.Context, p *payment.Payment) error
	// GetPayment reads a payment without locking it.
	GetPayment(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error)
	// GetPaymentForUpdate reads and locks a payment; NotFound across merchant or mode.
	GetPaymentForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error)
	// UpdatePayment writes every mutable field of p (status, amounts, in_flight,
	// processor ref, failure, next action, card, updated_at).
	UpdatePayment(ctx context.Context, p *payment.Payment) error

	InsertOperation(ctx context.Context, op *payment.Operation) error
	GetOperationForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Operation, error)
	UpdateOperation(ctx context.Context, op *payment.Operation) error

	// InsertOutcome writes a new payment (when p is not nil), an operation
	// with its outcome, its postings (validated by the caller), its events
	// and, when rec is not nil, completes its idempotency key: in as few
	// statements as the database allows.
	InsertOutcome(ctx context.Context, p *payment.Payment, op *payment.Operation, postings []ledger.Posting, events []*webhook.Event, rec *IdempotencyRecord) error
	// ClaimOutcome is InsertOutcome for a request decided before its
	// transaction: rec is written as a new key rather than completing one.
	// When the key already exists it reports false and the caller must
	// return an error, so that nothing the transaction wrote is kept.
	ClaimOutcome(ctx context.Context, p *payment.Payment, op *payment.Operation, postings []ledger.Posting, events []*webhook.Event, rec *IdempotencyRecord) (bool, error)
	// InsertPostings writes postings and their lines; the caller has validated them.
	InsertPostings(ctx context.Context, ps []ledger.Posting) error

	// InsertKEKCheck records a key version's check value.
	InsertKEKCheck(ctx context.Context, version int, check string, at time.Time) error
	// InsertDataKey stores a wrapped data key; with Active set it becomes the
	// only active key of its purpose.
	InsertDataKey(ctx context.Context, k *vault.DataKey) error
	// RewrapDataKey replaces a data key's wrapping if it is still under fromVersion.
	RewrapDataKey(ctx context.Context, id string, fromVersion, toVersion int, wrapped []byte) (bool, error)

	InsertCustomer(ctx context.Context, c *customer.Customer) error
	// UpdateCustomer changes the fields a patch sets on a live customer and
	// returns it as it is now.
	UpdateCustomer(ctx context.Context, merchantID string, mode payment.Mode, id string, p CustomerPatch) (*customer.Customer, error)
	// EraseCustomer leaves a live customer as a tombstone: its personal data
	// and reference cleared, its saved cards deleted with their ciphertext,
	// its mandates revoked. NotFound if it is not live.
	EraseCustomer(ctx context.Context, merchantID string, mode payment.Mode, customerID string, at time.Time) error
	// LockLiveCustomer reports whether the customer exists and is not
	// erased, locking its row (PostgreSQL) until the transaction ends.
	LockLiveCustomer(ctx context.Context, merchantID string, mode payment.Mode, customerID string) (bool, error)
	// CustomerSubscriptions lists a customer's subscriptions, whatever their state.
	CustomerSubscriptions(ctx context.Context, merchantID string, mode payment.Mode, customerID string) ([]*recurring.Schedule, error)
	InsertPaymentMethod(ctx context.Context, m *vault.PaymentMethod) error
	GetPaymentMethodForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*vault.PaymentMethod, error)
	// UpdatePaymentMethod writes status, customer, sealed card (nil erases it), used and updated times.
	UpdatePaymentMethod(ctx context.Context, m *vault.PaymentMethod) error
	// FindCustomerCard finds a customer's active card with this fingerprint; NotFound if none.
	FindCustomerCard(ctx context.Context, merchantID string, mode payment.Mode, customerID, fingerprint string) (*vault.PaymentMethod, error)
	InsertEncryptionKey(ctx context.Context, k *vault.EncryptionKey) error
	// ExpireEncryptionKeys sets an end on every unexpired key of the merchant and mode.
	ExpireEncryptionKeys(ctx context.Context, merchantID string, mode payment.Mode, at time.Time) error
	InsertCheckoutSession(ctx context.Context, s *checkout.Session) error
	GetCheckoutSessionForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*checkout.Session, error)
	// UpdateCheckoutSession writes status, payment id and updated time.
	UpdateCheckoutSession(ctx context.Context, s *checkout.Session) error
	// UpdateCheckoutSessionDetails rewrites an unpaid session's payable
	// details and status (a front door's update, cancel, expire, delete).
	UpdateCheckoutSessionDetails(ctx context.Context, s *checkout.Session) error

	InsertPMConfig(ctx context.Context, c *pmconfig.Config) error
	GetPMConfigForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*pmconfig.Config, error)
	UpdatePMConfig(ctx context.Context, c *pmconfig.Config) error
	DeletePMConfig(ctx context.Context, merchantID string, mode payment.Mode, id string) error
	InsertInvoice(ctx context.Context, in *invoice.Invoice) error
	GetInvoiceForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*invoice.Invoice, error)
	// UpdateInvoice writes the invoice's state and releases its claim.
	UpdateInvoice(ctx context.Context, in *invoice.Invoice) error
	// ClaimOpenInvoices leases open invoices that may need a reminder or expiry.
	ClaimOpenInvoices(ctx context.Context, now, lease time.Time, limit int) ([]*invoice.Invoice, error)
	// InsertEmail queues an email; it is sent after the transaction commits.
	InsertEmail(ctx context.Context, merchantID string, mode payment.Mode, kind, objectID string, m Mail, now time.Time) error
	// ClaimEmails leases due emails with their attempt counts.
	ClaimEmails(ctx context.Context, now, lease time.Time, limit int) ([]*Mail, []int, error)
	// FinishEmail records a sending attempt: sent, retry at next, or failed (next zero).
	FinishEmail(ctx context.Context, id string, sent bool, attempts int, next time.Time, lastErr string, now time.Time) error
	InsertMandate(ctx context.Context, m *recurring.Mandate) error
	GetMandateForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Mandate, error)
	UpdateMandate(ctx context.Context, m *recurring.Mandate) error
	InsertSubscription(ctx context.Context, s *recurring.Schedule) error
	GetSubscriptionForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Schedule, error)
	// UpdateSubscription writes the schedule's state and releases its claim.
	UpdateSubscription(ctx context.Context, s *recurring.Schedule) error
	// ClaimDueSubscriptions leases active schedules due by now (SKIP LOCKED on PostgreSQL).
	ClaimDueSubscriptions(ctx context.Context, now, lease time.Time, limit int) ([]*recurring.Schedule, error)

	InsertPayout(ctx context.Context, p *payout.Payout) error
	GetPayoutForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payout.Payout, error)
	UpdatePayout(ctx context.Context, p *payout.Payout) error
	// LockBalance serializes a merchant's payouts and returns its available
	// balance in a currency.
	LockBalance(ctx context.Context, merchantID string, mode payment.Mode, currency string) (int64, error)

	// InsertEvent stores an event; it is written in the transaction of the change it describes.
	InsertEvent(ctx context.Context, ev *webhook.Event) error
	// ClaimEvents returns events not yet fanned out to deliveries, locking
	// them against other workers (PostgreSQL: SKIP LOCKED), without their
	// payloads.
	ClaimEvents(ctx context.Context, limit int) ([]*webhook.Event, error)
	MarkEventsFanned(ctx context.Context, ids []string) error
	// InsertDeliveries adds deliveries; one of an event to an endpoint that exists is kept.
	InsertDeliveries(ctx context.Context, ds []*webhook.Delivery) error
	// ClaimDeliveries leases due pending deliveries until lease (set as
	// their LockedUntil), oldest first, at most limit in all and no more of
	// one endpoint than perEndpoint less the caller's sends open to it
	// (inFlight, by endpoint id).
	ClaimDeliveries(ctx context.Context, now, lease time.Time, limit, perEndpoint int, inFlight map[string]int) ([]*ClaimedDelivery, error)
	// FinishAttempt logs an attempt as the delivery's next number and, if
	// the delivery still holds the lease d.LockedUntil, records its new
	// state; otherwise it records only the attempt and returns ErrLeaseLost.
	FinishAttempt(ctx context.Context, d *webhook.Delivery, a *webhook.Attempt) error
	// RequeueDelivery makes a delivery due now with a fresh retry budget; false if it does not exist.
	RequeueDelivery(ctx context.Context, merchantID string, mode payment.Mode, id string, now time.Time) (bool, error)
	InsertWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error
	// InsertNotificationSecret stores a merchant's notification secret unless one exists.
	InsertNotificationSecret(ctx context.Context, merchantID string, mode payment.Mode, keyID string, sealed []byte, at time.Time) error
	GetWebhookEndpointForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Endpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error
	DeleteWebhookEndpoint(ctx context.Context, merchantID string, mode payment.Mode, id string, at time.Time) error
	// ListEndpointsOf returns a merchant's enabled endpoints in a mode.
	ListEndpointsOf(ctx context.Context, merchantID string, mode payment.Mode) ([]*webhook.Endpoint, error)

	// GetIdempotency returns the record for (merchant, mode, key) or nil, nil.
	GetIdempotency(ctx context.Context, merchantID string, mode payment.Mode, key string) (*IdempotencyRecord, error)
	// InsertIdempotency records a new key and reports false, without error,
	// when the key already exists (the caller then reads it).
	InsertIdempotency(ctx context.Context, r *IdempotencyRecord) (bool, error)
	// CompleteIdempotency stores the response of a finished request.
	CompleteIdempotency(ctx context.Context, r *IdempotencyRecord) error
	// ReleaseIdempotency deletes a key still in progress, for a request
	// that failed having changed nothing: it may be corrected and retried.
	ReleaseIdempotency(ctx context.Context, merchantID string, mode payment.Mode, key string) error
	// ReplaceIdempotencyAnswers stores another answer for completed keys
	// (an erased customer's: a retry must neither replay nor redo).
	ReplaceIdempotencyAnswers(ctx context.Context, merchantID string, mode payment.Mode, keys []string, status int, body []byte) error

	// InsertDoorCredential stores a front door's credential; a taken member
	// id or username is a Conflict (code door_credential_taken).
	InsertDoorCredential(ctx context.Context, c *DoorCredential) error
	// InsertDoorReference records a front door's reference once; a taken
	// one is a Conflict (code door_reference_taken).
	InsertDoorReference(ctx context.Context, r *DoorReference) error
}

// PaymentFilter selects payments for a list. Results are newest first;
// StartingAfter is the id of the last payment of the previous page.
type PaymentFilter struct {
	MerchantID    string
	Mode          payment.Mode
	Status        payment.Status // empty: any
	Reference     string         // empty: any
	CreatedGTE    time.Time      // zero: unbounded
	CreatedLT     time.Time      // zero: unbounded
	StartingAfter string
	Limit         int

	// The dashboard's search: amount bounds in minor units (zero: unbounded),
	// the card's last four digits and the customer reference (empty: any).
	AmountGTE, AmountLTE int64
	Last4, Customer      string
	// CustomerAlso is another name of the same customer (their cus_… id
	// or reference): payments naming either match.
	CustomerAlso string
}

// AuditFilter selects audit events; results are newest first and
// StartingAfter is the id of the last event of the previous page.
type AuditFilter struct {
	MerchantID    string
	Action        string // empty: any
	ActorID       string // empty: any
	TargetID      string // empty: any
	CreatedGTE    time.Time
	CreatedLT     time.Time
	StartingAfter string
	Limit         int
}

// EventFilter selects events, newest first.
type EventFilter struct {
	MerchantID    string
	Mode          payment.Mode
	Type          string
	ObjectID      string
	StartingAfter string
	Limit         int
}

// DeliveryFilter selects webhook deliveries, newest first.
type DeliveryFilter struct {
	MerchantID    string
	Mode          payment.Mode
	EndpointID    string
	EventID       string
	Status        string
	StartingAfter string
	Limit         int
}

// Mail is one email, the ID also its Message-ID's local part.
type Mail struct {
	ID      string
	To      string
	Subject string
	Text    string
}

// Mailer delivers email (the mail package: SMTP, or a folder).
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Email is a queued email as the API lists it.
type Email struct {
	ID, Kind, To, Subject, Status string
	Attempts                      int
	CreatedAt                     time.Time
	SentAt                        *time.Time
}

// ClaimedDelivery is a delivery leased for sending, with its endpoint's URL
// and sealed secret and the event's payload.
type ClaimedDelivery struct {
	Delivery        *webhook.Delivery
	URL             string
	Payload         []byte
	SecretKeyID     string
	SealedSecret    []byte
	EndpointEnabled bool
	// Door is the endpoint's front door ("" for native webhooks); EventType
	// and ObjectID describe the event for the door's renderer.
	Door, EventType, ObjectID string
}

// Balance is the sum of one ledger role in one currency.
type Balance struct {
	Role     string
	Currency string
	Amount   int64
}

// IdempotencyState says whether the first request with a key has finished.
type IdempotencyState string

// Idempotency record states.
const (
	IdemInProgress IdempotencyState = "in_progress"
	IdemCompleted  IdempotencyState = "completed"
)

// IdempotencyRecord remembers a request by its Idempotency-Key.
type IdempotencyRecord struct {
	MerchantID  string
	Mode        payment.Mode
	Key         string
	Fingerprint string
	State       IdempotencyState
	// ResourceID is the payment or operation the request created.
	ResourceID     string
	ResponseStatus int
	ResponseBody   []byte
	CreatedAt      time.Time
	CompletedAt    *time.Time
}
