-- "thematic_area_changed" named two things: a contribution moved to another
-- area, and an admin's change to an area. The second is now
-- "thematic_area_updated"; earlier events are renamed so that one action
-- name means one thing across the whole log. Nothing else in the log changes.
UPDATE audit_events SET action = 'thematic_area_updated'
WHERE action = 'thematic_area_changed' AND target_type = 'thematic_area';
