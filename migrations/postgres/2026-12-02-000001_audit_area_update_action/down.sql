UPDATE audit_events SET action = 'thematic_area_changed'
WHERE action = 'thematic_area_updated' AND target_type = 'thematic_area';
