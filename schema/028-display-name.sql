-- 028: a staffer's name as residents read it (王芳), beside the login name
-- (wang). The printed receipt, the correction notice and the rejection
-- notice named the staffer by login name, which means nothing to a
-- resident; the colleague list the 转交 form offers shows it too. '' is
-- none: the login name stands in. Set with `spkiosk user display NAME TEXT`.
ALTER TABLE users ADD COLUMN display TEXT NOT NULL DEFAULT '';
