DROP TABLE contribution_meetings;
