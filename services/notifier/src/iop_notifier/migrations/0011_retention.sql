-- Retention: finished ledger rows and their requests, webhook receipts and unmatched early callbacks are purged
-- in small batches; these indexes find the oldest of each (and a request's ledger rows) without a scan.
CREATE INDEX ledger_finished ON ledger (updated_at) WHERE state NOT IN ('claimed', 'unknown');
CREATE INDEX ledger_by_request ON ledger (request_id);
CREATE INDEX requests_finished ON requests (received_at) WHERE state NOT IN ('pending', 'leased');
CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at);
CREATE INDEX pending_callbacks_received ON pending_callbacks (received_at);
-- The inbound family (reply texts, embedded messages, unknown senders) moves to the same batched purge.
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);
CREATE INDEX embedded_messages_created ON embedded_messages (created_at);
CREATE INDEX senders_updated ON senders (updated_at);
