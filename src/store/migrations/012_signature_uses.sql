-- Signatures that changed state once (issue 9 §2): remembered by the signature itself
-- (src/crypto/openpgp.ts SignatureCheck.id), not by the text around it, so the same
-- signature in any wrapping changes nothing again. Inserted in the transaction that applies
-- the change: a rolled-back change forgets its signature with it.
CREATE TABLE IF NOT EXISTS signature_uses (
  signature_id text PRIMARY KEY,
  fingerprint text NOT NULL,
  signed_at timestamptz NOT NULL,
  used_for text NOT NULL,
  case_id text,
  message_ref bigint,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS signature_uses_at ON signature_uses (at);
