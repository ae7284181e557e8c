-- pgbench: the essential writes of one submission, in one transaction:
-- the contribution row and its acknowledgement in the outbox.
BEGIN;
INSERT INTO contributions (id, channel, status, thematic_area, title, body, search_text, author_kind,
    given_name, family_name, email, quartiere, contact_consent, privacy_notice_accepted,
    received_at, updated_at, version)
VALUES (gen_random_uuid()::text, 'form', 'pending', 'mobilita-green', 'Più piste ciclabili sui viali',
    'Testo del suggerimento: collegare i viali con una pista ciclabile protetta.',
    'piu piste ciclabili sui viali testo del suggerimento', 'citizen', 'Maria', 'Rossi',
    'maria.rossi@example.org', 2, false, true, now(), now(), 1);
INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, message_id, status, attempts,
    next_attempt_at, created_at)
VALUES (gen_random_uuid()::text, 'acknowledgement', 'maria.rossi@example.org',
    'Rinasce Firenze: contributo ricevuto', repeat('testo ', 100), repeat('<p>html</p>', 60),
    '<' || gen_random_uuid()::text || '@localhost>', 'pending', 0, now(), now());
COMMIT;
