-- 032: the hall's contact details a version was rendered with.
-- Halls sharing a library fill their own location, hours and phone into
-- the procedures that leave them out (`serve --hall-location` and the
-- others, hall.h), so a version's stored JSON and print depend on them as
-- well as on its text and the renderer: the loader reuses a version only
-- when this tag is the one the daemon runs with, and renders it again
-- otherwise. '' is "none set", which every version stored before had.
ALTER TABLE procedure_versions ADD COLUMN render_contact TEXT NOT NULL DEFAULT '';
