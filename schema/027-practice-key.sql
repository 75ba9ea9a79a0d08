-- 027: what a practice pass is held to. A pass was kept per procedure
-- version (its file hash), so a typo fixed in a step's explanation, a blank
-- line or a new review date asked every staffer to practise the item again,
-- and the AB岗 grid (readiness) went short after every edit. A pass is now
-- held to the version's practice key: what the judging and the staffer's
-- case view depend on, from the version's public JSON (detail_json): the
-- conditions, and per step its {if}, checklist (ids, texts, required, {if})
-- and fields (keys, labels, types, rules, options, {if}). Titles, prose,
-- sections, the summary and the front matter are left out: a change there
-- keeps every pass. The practice file's own text still counts as a whole.
-- A view, not a column: it holds for versions loaded before this migration
-- too, and the practice queries that read it are few and small.
CREATE VIEW practice_keys AS
SELECT procedure_id, hash,
       json_array(json_extract(detail_json, '$.conditions'),
                  (SELECT json_group_array(json_array(json_extract(s.value, '$.if'),
                                                      json_extract(s.value, '$.checklist'),
                                                      json_extract(s.value, '$.fields')))
                     FROM json_each(detail_json, '$.steps') AS s)) AS practice_key
  FROM procedure_versions;
