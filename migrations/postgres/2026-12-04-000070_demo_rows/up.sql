-- Rows written by `rinasce demo-data` are marked, so that they never cause a
-- real notice (outcome, digest, target reached) and `rinasce demo-data
-- --remove` can delete them. A milestone reached by demo rows is recorded
-- without a notice and marked too, so that removing the demo removes it.
ALTER TABLE contributions ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE indicator_milestones ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX contributions_demo ON contributions (demo) WHERE demo;
