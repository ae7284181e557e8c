DROP INDEX outbox_recipient_normalised;
DROP INDEX contributions_email_normalised;
ALTER TABLE outbox DROP COLUMN recipient_normalised;
ALTER TABLE contributions DROP COLUMN email_normalised;
