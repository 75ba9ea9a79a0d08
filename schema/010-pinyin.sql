-- 010: pinyin search over titles and keywords (dibao, db → 低保). The `spkpy`
-- tokenizer (src/pinyin.c) turns each ideograph into its toneless readings and
-- their initials at the character's position; rows are written beside the
-- `search` rows and filled here from them, so that no file has to be parsed
-- again for an existing database.
CREATE VIRTUAL TABLE search_pinyin USING fts5 (
    id UNINDEXED,
    category UNINDEXED,
    title,
    keywords,
    tokenize = 'spkpy'
);
INSERT INTO search_pinyin (id, category, title, keywords)
    SELECT id, category, title, keywords FROM search;
