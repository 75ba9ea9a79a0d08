-- 033: what a staffer would be shown of a version, as a digest (vdiff_key).
-- A new text whose diff against the version a staffer read is all 未改动
-- (a review date moved on, a blank line) was listed under 事项更新 and
-- its notice asked for 我已阅读 about nothing (a policy-change review):
-- changes.c now counts a version as unread only when this key differs
-- from the one read. NULL for versions stored before: they count as
-- changed, as before.
ALTER TABLE procedure_versions ADD COLUMN notice_key TEXT;
