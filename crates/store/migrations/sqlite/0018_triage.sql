-- Triage (issue 18). 问题分类: the taxonomy cases are filed under (up to three levels, each category
-- keyed by its path of names, 城乡建设/安全生产/事故处理), and each case's category with how it
-- was set. The default taxonomy is the first level of the message board's. Same in both flavours.
CREATE TABLE categories (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    parent TEXT REFERENCES categories(key),
    -- The office's own code (分类编码), when its file has one.
    code TEXT,
    -- The order of the office's file (the order pickers and figures list them in).
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX categories_code ON categories(code) WHERE code IS NOT NULL;
INSERT INTO categories (key, name, level, parent, code, position) VALUES
    ('城乡建设', '城乡建设', 1, NULL, NULL, 1),
    ('环境保护', '环境保护', 1, NULL, NULL, 2),
    ('交通运输', '交通运输', 1, NULL, NULL, 3),
    ('教育文体', '教育文体', 1, NULL, NULL, 4),
    ('劳动和社会保障', '劳动和社会保障', 1, NULL, NULL, 5),
    ('商贸旅游', '商贸旅游', 1, NULL, NULL, 6),
    ('卫生计生', '卫生计生', 1, NULL, NULL, 7);

ALTER TABLE cases ADD COLUMN category TEXT REFERENCES categories(key);
-- Who set it: staff (set or confirmed), the model (routed above the office's threshold), an import.
ALTER TABLE cases ADD COLUMN category_source TEXT;
CREATE INDEX cases_category ON cases(category);

-- 答复质量 of the latest reply (`rectify_domain::reply_quality`): its score (0–100) and grade, for
-- the figures by unit.
ALTER TABLE cases ADD COLUMN reply_score INTEGER;
ALTER TABLE cases ADD COLUMN reply_grade TEXT;

-- The suggestion models (`rectify-triage`), one row per version: the newest serves. A model is
-- trained on the categories staff set or confirmed (and imported labelled messages), never on
-- its own routing.
CREATE TABLE triage_models (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    trained_at TEXT NOT NULL,
    -- Confirmations in the ledger when it was trained (the next refit counts from here).
    confirmations INTEGER NOT NULL,
    -- JSON: what it was trained on and its held-out figures.
    summary TEXT NOT NULL,
    -- JSON: the model itself.
    model TEXT NOT NULL
);
-- The model version that filed a case (category_source = 'model').
ALTER TABLE cases ADD COLUMN category_model INTEGER;

-- The message board's support of a message (点赞数, 反对数), imported with it: a hot spot's weight.
ALTER TABLE cases ADD COLUMN likes INTEGER;
ALTER TABLE cases ADD COLUMN dislikes INTEGER;
