-- Erasure matches on an address normalised by the service (Unicode
-- lowercase of the NFC form), because SQLite's lower() folds ASCII only:
-- `elodie@EXÄMPLE.org` was not found. The service writes these columns on
-- every insert. Addresses that are plain ASCII are backfilled here, where
-- lower() is exact; the others are left NULL and the service fills them at
-- start-up (db::contributions::backfill_normalised_emails).
ALTER TABLE contributions ADD COLUMN email_normalised TEXT;
ALTER TABLE outbox ADD COLUMN recipient_normalised TEXT;

UPDATE contributions SET email_normalised = lower(trim(email))
WHERE email IS NOT NULL AND email NOT GLOB '*[^ -~]*';
UPDATE outbox SET recipient_normalised = lower(trim(recipient))
WHERE recipient NOT GLOB '*[^ -~]*';

CREATE INDEX contributions_email_normalised ON contributions (email_normalised);
CREATE INDEX outbox_recipient_normalised ON outbox (recipient_normalised);
