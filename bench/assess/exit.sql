-- bench/assess: `fupin assess exit --year {{year}}` (spec/policy.md "Household exit"): every
-- 建档立卡户 with status 未脱贫 or 返贫, whether it meets the exit standard, every failing
-- criterion in order, and its per-capita net income. One poverty line for the whole register
-- ({{line_fen}} fen: the register is one county, which no [override] of the policy touches).
COPY (
  WITH pool AS (
    SELECT * FROM households WHERE "户类型" = '建档立卡户' AND "贫困状态" IN ('未脱贫', '返贫')
  ), member_facts AS (  -- the members of those households only
    SELECT "户编号" AS code, count(*) AS n,
           bool_or(out_of_school("出生日期", "在校生状况")) AS education_fails,
           bool_or(uninsured("参加城乡居民基本医疗保险", "参加职工基本医疗保险")) AS medical_fails
    FROM members WHERE "户编号" IN (SELECT "户编号" FROM pool)
    GROUP BY ALL
  ), decided AS (
    SELECT h."户编号" AS household_code, h."行政区划代码" AS village_code,
           per_capita(net_income(h), coalesce(m.n, 0)) AS pc,
           list_filter([CASE WHEN pc <= {{line_fen}} THEN 'income' END,
                        CASE WHEN h."不愁吃" IS DISTINCT FROM '是' THEN 'food' END,
                        CASE WHEN h."不愁穿" IS DISTINCT FROM '是' THEN 'clothing' END,
                        CASE WHEN coalesce(m.education_fails, false) THEN 'education' END,
                        CASE WHEN coalesce(m.medical_fails, false) THEN 'medical' END,
                        CASE WHEN NOT housing_safe(h."住房安全等级", h."危房改造", h."易地搬迁")
                             THEN 'housing' END,
                        CASE WHEN h."饮水安全" IS DISTINCT FROM '是' THEN 'water' END],
                       x -> x IS NOT NULL) AS failed
    FROM pool h LEFT JOIN member_facts m ON m.code = h."户编号"
  )
  SELECT household_code, village_code, yuan(pc) AS per_capita_income,
         len(failed) = 0 AS meets, failed
  FROM decided
  ORDER BY household_code
) TO '{{out}}' (FORMAT json, ARRAY true);
