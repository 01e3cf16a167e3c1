-- bench/assess: `fupin assess monitor --year {{year}}` (spec/policy.md "Monitoring"): the
-- candidates among 已脱贫 建档立卡户 and 普通农户 not already 监测中, with the rules that fired,
-- the type (the lowest number among them), the risk types of failing 三保障 and water
-- criteria, and the per-capita net income. One monitoring line for the whole register
-- ({{line_fen}} fen: the register is one county, which no [override] of the policy touches).
COPY (
  WITH pool AS (
    SELECT h."户编号" AS household_code, h."行政区划代码" AS village_code,
           h."户类型" = '建档立卡户' AS registered,
           fen(h."工资性收入") + fen(h."生产经营性收入") - fen(h."生产经营性支出")
             + fen(h."财产性收入") + fen(h."转移性收入") AS net,
           fen(h."合规自付医疗支出") + fen(h."教育支出") + fen(h."灾害损失") AS rigid,
           coalesce(m.n, 0) AS n, m.education_fails, m.medical_fails,
           h."住房安全等级", h."危房改造", h."易地搬迁", h."饮水安全"
    FROM households h LEFT JOIN member_facts m ON m.code = h."户编号"
    WHERE ((h."户类型" = '建档立卡户' AND h."贫困状态" = '已脱贫') OR h."户类型" = '普通农户')
      -- 监测中, given or (empty for a monitored household) the import's default.
      AND NOT coalesce(h."监测状态" = '监测中'
                       OR (h."监测状态" IS NULL AND h."监测对象类型" <> '非监测对象'), false)
  ), ruled AS (
    SELECT *, per_capita(net, n) AS pc,
           per_capita(net, n) < {{line_fen}} AS below,
           -- rigid > ratio × net, exactly; or net ≤ 0 while rigid > 0 (RigidExpenseFires).
           rigid > 0 AND (net <= 0 OR CAST(rigid AS HUGEINT) * 1000000
                                      > CAST({{ratio_micros}} AS HUGEINT) * net) AS rigid_fires
    FROM pool
  )
  SELECT household_code,
         CASE WHEN below THEN (CASE WHEN registered THEN 1 ELSE 2 END) ELSE 3 END AS type,
         list_filter([CASE WHEN below THEN 'income_below_line' END,
                      CASE WHEN rigid_fires THEN 'rigid_expense' END], x -> x IS NOT NULL) AS rules,
         list_filter([CASE WHEN coalesce(medical_fails, false) THEN '01' END,
                      CASE WHEN coalesce(education_fails, false) THEN '02' END,
                      CASE WHEN NOT (coalesce("住房安全等级" IN ({{safe_grades}}), false)
                                     OR "危房改造" = '已竣工' OR "易地搬迁" = '已搬迁入住')
                           THEN '09' END,
                      CASE WHEN "饮水安全" IS DISTINCT FROM '是' THEN '10' END],
                     x -> x IS NOT NULL) AS risk_types,
         yuan(pc) AS per_capita_income, village_code
  FROM ruled
  WHERE below OR rigid_fires
  ORDER BY household_code
) TO '{{out}}' (FORMAT json, ARRAY true);
