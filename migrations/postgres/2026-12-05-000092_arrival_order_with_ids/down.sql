DROP INDEX contributions_received_at;
CREATE INDEX contributions_received_at ON contributions (received_at);
