-- bench/assess: what both assessments read, over the register's two tables `households` and
-- `members` with the columns of the import template (spec/import-template.md) as text, as
-- `fupin generate` writes them (labels, not codes). {{…}} are filled in by duckdb-assess.mjs.

-- An amount in yuan ("1234.56", empty = 0) as fen, exactly.
CREATE MACRO fen(text) AS CAST(coalesce(CAST(text AS DECIMAL(18, 2)), 0) * 100 AS BIGINT);
-- Fen as the decimal string of fupin's JSON ("-450.00").
CREATE MACRO yuan(f) AS CAST(CAST(f AS DECIMAL(18, 0)) / 100 AS DECIMAL(18, 2))::VARCHAR;
-- 人均纯收入: net ÷ members in fen, rounded half away from zero (Money::DivideRounded).
CREATE MACRO per_capita(net, n) AS
  CASE WHEN n > 0 THEN sign(net) * ((abs(net) * 2 + n) // (2 * n)) ELSE 0 END;

-- Per household, from its members: how many, and whether the education and medical
-- criteria fail (criteria.cc CheckEducation, CheckMedical). School age: full years on
-- 31 December of the year within [school_min, school_max], i.e. born in
-- [year − school_max, year − school_min]; a member without a birth date is not counted.
CREATE TEMP TABLE member_facts AS
SELECT "户编号" AS code,
       count(*) AS n,
       bool_or(CAST(substr("出生日期", 1, 4) AS INTEGER)
                 BETWEEN {{year}} - {{school_max}} AND {{year}} - {{school_min}}
               AND coalesce("在校生状况", '') NOT IN ('学前教育', '小学', '七至九年级', '普通高中',
                   '中职', '高职高专', '本科及以上', '送教上门', '因病（残）休学')) AS education_fails,
       bool_or(coalesce("参加城乡居民基本医疗保险", '') <> '是'
               AND coalesce("参加职工基本医疗保险", '') <> '是') AS medical_fails
FROM members
GROUP BY ALL;
