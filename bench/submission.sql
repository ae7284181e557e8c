-- pgbench: the essential writes of one submission from the form, in one
-- transaction, as the service makes them on PostgreSQL:
--   the client's quota row (locked, then moved on; bench/run sends every
--   request from 127.0.0.1, so every transaction shares one row, as the
--   service's do), the contribution with its search terms (the tsvector is
--   a generated column), its 16 near-duplicate band keys, the indicator's
--   six counters and the queue's five counts of its status on one stripe
--   drawn at random, and the acknowledgement in the outbox.
\set stripe random(0, 15)
BEGIN;
INSERT INTO submission_quotas (client, full_at) VALUES ('127.0.0.1', now())
    ON CONFLICT (client) DO UPDATE SET full_at = submission_quotas.full_at;
INSERT INTO contributions (id, channel, status, thematic_area, title, body, author_kind,
    given_name, family_name, email, email_normalised, quartiere, contact_consent,
    privacy_notice_accepted, received_at, updated_at, version,
    search_title, search_body, search_author)
VALUES (gen_random_uuid()::text, 'form', 'pending', 'mobilita-green', 'Più piste ciclabili sui viali',
    'Testo del suggerimento: collegare i viali con una pista ciclabile protetta.',
    'citizen', 'Maria', 'Rossi', 'maria.rossi@example.org', 'maria.rossi@example.org', 2, false, true,
    now(), now(), 1,
    'pist ciclabil vial', 'test suggeriment colleg vial pist ciclabil protett',
    'mar ross maria.rossi@example.org')
RETURNING seq \gset
INSERT INTO similarity_bands (band_key, contribution_seq)
    SELECT (random() * 9e18)::bigint, :seq FROM generate_series(1, 16);
INSERT INTO indicator_counters (dimension, value, stripe, tally) VALUES
    ('author_kind', 'citizen', :stripe, 1), ('counted', '', :stripe, 1),
    ('day', to_char(now(), 'YYYY-MM-DD'), :stripe, 1), ('quartiere', '2', :stripe, 1),
    ('received', '', :stripe, 1), ('status', 'pending', :stripe, 1),
    ('status_author_kind', 'pending citizen', :stripe, 1),
    ('status_channel', 'pending form', :stripe, 1), ('status_quartiere', 'pending 2', :stripe, 1),
    ('status_thematic_area', 'pending mobilita-green', :stripe, 1),
    ('thematic_area', 'mobilita-green', :stripe, 1)
    ON CONFLICT (dimension, value, stripe) DO UPDATE
    SET tally = indicator_counters.tally + excluded.tally;
UPDATE submission_quotas SET full_at = now() WHERE client = '127.0.0.1';
INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, message_id, status, attempts,
    next_attempt_at, created_at)
VALUES (gen_random_uuid()::text, 'acknowledgement', 'maria.rossi@example.org',
    'Rinasce Firenze: contributo ricevuto', repeat('testo ', 100), repeat('<p>html</p>', 60),
    '<' || gen_random_uuid()::text || '@localhost>', 'pending', 0, now(), now());
COMMIT;
