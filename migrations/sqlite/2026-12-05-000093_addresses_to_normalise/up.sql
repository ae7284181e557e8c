-- At every start the service looks for addresses stored before their
-- normalised form existed (contributions::backfill_normalised_emails).
-- Without this index that is a scan of the whole table (over a second at a
-- million rows); the index holds only such rows, so it is empty once they
-- are filled and costs nothing to keep.
CREATE INDEX contributions_email_to_normalise ON contributions (seq)
WHERE email IS NOT NULL AND email_normalised IS NULL;
