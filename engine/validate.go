package engine

import (
	"context"
	"time"
)

// validationJob is a stored inbound message waiting for its findings.
type validationJob struct {
	seq    int64
	action string
	body   []byte
}

// validationQueue bounds the messages waiting for validation.
const validationQueue = 4096

// validateLater validates an acknowledged message off the ingestion path
// (warn mode: findings are recorded, never acted on). When the queue is full
// — validation falling behind a burst — the caller validates inline, so
// ingestion slows down rather than findings being dropped.
func (e *Engine) validateLater(seq int64, action string, body []byte) {
	select {
	case e.vq <- validationJob{seq, action, body}:
	default:
		e.validateNow(context.Background(), validationJob{seq, action, body})
	}
}

func (e *Engine) validateNow(ctx context.Context, j validationJob) {
	v := e.cfg.Validator(j.action, j.body)
	if len(v.Findings) == 0 {
		return
	}
	if err := e.cfg.Store.SetFindings(ctx, j.seq, v.Findings); err != nil {
		e.log.Warn("recording findings", "seq", j.seq, "err", err)
	}
}

// runValidation works the queue until ctx ends, then finishes what is
// queued so that a clean stop loses no findings.
func (e *Engine) runValidation(ctx context.Context) {
	for {
		select {
		case j := <-e.vq:
			e.validateNow(ctx, j)
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			for {
				select {
				case j := <-e.vq:
					e.validateNow(dctx, j)
				default:
					return
				}
			}
		}
	}
}
