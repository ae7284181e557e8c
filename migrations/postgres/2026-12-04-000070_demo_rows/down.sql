DROP INDEX contributions_demo;
ALTER TABLE indicator_milestones DROP COLUMN demo;
ALTER TABLE contributions DROP COLUMN demo;
