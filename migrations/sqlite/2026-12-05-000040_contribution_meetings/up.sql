-- The meeting a contribution was handed in at (channel `event`, issue 13
-- item 6): its name, the day it was held and its quartiere (none for an
-- event of the whole city). One row per such contribution; the meeting is
-- no personal data, so an erasure keeps it.
CREATE TABLE contribution_meetings (
    contribution_id TEXT PRIMARY KEY REFERENCES contributions (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    held_on         DATE NOT NULL,
    quartiere       SMALLINT CHECK (quartiere BETWEEN 1 AND 5)
);
