-- bench/assess: `fupin assess exit --year {{year}}` (spec/policy.md "Household exit"): every
-- 建档立卡户 with status 未脱贫 or 返贫, whether it meets the exit standard, every failing
-- criterion in order, and its per-capita net income. One poverty line for the whole register
-- ({{line_fen}} fen: the register is one county, which no [override] of the policy touches).
COPY (
  WITH pool AS (
    SELECT h."户编号" AS household_code, h."行政区划代码" AS village_code,
           per_capita(fen(h."工资性收入") + fen(h."生产经营性收入") - fen(h."生产经营性支出")
                        + fen(h."财产性收入") + fen(h."转移性收入"), coalesce(m.n, 0)) AS pc,
           h."不愁吃" = '是' AS food, h."不愁穿" = '是' AS clothing,
           NOT coalesce(m.education_fails, false) AS education,
           NOT coalesce(m.medical_fails, false) AS medical,
           coalesce(h."住房安全等级" IN ({{safe_grades}}), false) OR h."危房改造" = '已竣工'
             OR h."易地搬迁" = '已搬迁入住' AS housing,
           h."饮水安全" = '是' AS water
    FROM households h LEFT JOIN member_facts m ON m.code = h."户编号"
    WHERE h."户类型" = '建档立卡户' AND h."贫困状态" IN ('未脱贫', '返贫')
  ), decided AS (
    SELECT household_code, village_code, pc,
           list_filter([CASE WHEN pc <= {{line_fen}} THEN 'income' END,
                        CASE WHEN NOT coalesce(food, false) THEN 'food' END,
                        CASE WHEN NOT coalesce(clothing, false) THEN 'clothing' END,
                        CASE WHEN NOT education THEN 'education' END,
                        CASE WHEN NOT medical THEN 'medical' END,
                        CASE WHEN NOT housing THEN 'housing' END,
                        CASE WHEN NOT coalesce(water, false) THEN 'water' END], x -> x IS NOT NULL) AS failed
    FROM pool
  )
  SELECT household_code, village_code, yuan(pc) AS per_capita_income,
         len(failed) = 0 AS meets, failed
  FROM decided
  ORDER BY household_code
) TO '{{out}}' (FORMAT json, ARRAY true);
