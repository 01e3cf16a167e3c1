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
-- 家庭纯收入 = 工资性 + 生产经营性 − 生产经营性支出 + 财产性 + 转移性, of a household row h.
CREATE MACRO net_income(h) AS
  fen(h."工资性收入") + fen(h."生产经营性收入") - fen(h."生产经营性支出")
  + fen(h."财产性收入") + fen(h."转移性收入");

-- A member for whom the education criterion fails (criteria.cc CheckEducation): of school
-- age — full years on 31 December of the year within [school_min, school_max], i.e. born
-- in [year − school_max, year − school_min]; a member without a birth date is not
-- counted — and neither in school nor exempt.
CREATE MACRO out_of_school(birth, school) AS
  CAST(substr(birth, 1, 4) AS INTEGER) BETWEEN {{year}} - {{school_max}} AND {{year}} - {{school_min}}
  AND coalesce(school, '') NOT IN ('学前教育', '小学', '七至九年级', '普通高中', '中职', '高职高专',
                                   '本科及以上', '送教上门', '因病（残）休学');
-- A member for whom the medical criterion fails (CheckMedical): neither insurance.
CREATE MACRO uninsured(resident, employee) AS
  coalesce(resident, '') <> '是' AND coalesce(employee, '') <> '是';
-- The housing criterion (CheckHousing): a safe grade, 危房改造 已竣工 or 易地搬迁 已搬迁入住.
CREATE MACRO housing_safe(grade, renovation, relocation) AS
  coalesce(grade IN ({{safe_grades}}), false) OR coalesce(renovation = '已竣工', false)
  OR coalesce(relocation = '已搬迁入住', false);
