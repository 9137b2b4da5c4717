package api

import "time"

// SetWebhookLease shortens the webhook lease for a test and returns the
// function that restores it.
func SetWebhookLease(d time.Duration) (restore func()) {
	old := webhookLease
	webhookLease = d
	return func() { webhookLease = old }
}
