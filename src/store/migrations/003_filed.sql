-- When the source message was filed (IMAP: moved to Processed/Failed). A crash between
-- "done" and the move must not leave a message in the inbox: reconcile files every
-- finished message that has no filed_at yet.
ALTER TABLE messages ADD COLUMN filed_at timestamptz;
CREATE INDEX messages_unfiled ON messages (id) WHERE filed_at IS NULL AND state IN ('done', 'failed');
