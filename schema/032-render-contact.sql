-- 032: the hall's contact details a version was rendered with.
-- Halls sharing a library fill their own location, hours and phone into
-- the procedures that leave them out (`serve --hall-location` and the
-- others, hall.h), so a version's stored JSON and print depend on them as
-- well as on its text and the renderer: the loader reuses a version only
-- when this tag is the one the daemon runs with, and renders it again
-- otherwise. '' is "none set", which every version stored before had.
ALTER TABLE procedure_versions ADD COLUMN render_contact TEXT NOT NULL DEFAULT '';

-- The start-up's reuse check (023) reads it too, from the index alone: a
-- column outside the index sits after the texts of the row, and reading it
-- for every unchanged file walked their overflow pages again.
DROP INDEX procedure_versions_reuse;
CREATE INDEX procedure_versions_reuse
    ON procedure_versions (procedure_id, hash, render_version, render_contact, review_by);
