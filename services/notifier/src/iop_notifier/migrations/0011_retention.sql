-- Retention: finished ledger rows and their requests, webhook receipts and unmatched early callbacks are purged
-- in small batches; these indexes find the oldest of each (and a request's ledger rows) without a scan.
CREATE INDEX ledger_finished ON ledger (updated_at) WHERE state NOT IN ('claimed', 'unknown');
CREATE INDEX ledger_by_request ON ledger (request_id);
CREATE INDEX requests_finished ON requests (received_at) WHERE state NOT IN ('pending', 'leased');
CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at);
CREATE INDEX pending_callbacks_received ON pending_callbacks (received_at);
