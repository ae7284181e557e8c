-- The worker claims the earliest due pending messages. With the index in
-- that order a claim reads only the rows it takes: the former index on
-- (status, next_attempt_at) made every claim read and sort all pending rows
-- by seq, which under a backlog cost more than the delivery itself.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, seq);
