-- bench/assess: `fupin assess monitor --year {{year}}` (spec/policy.md "Monitoring"): the
-- candidates among 已脱贫 建档立卡户 and 普通农户 not already 监测中, with the rules that fired,
-- the type (the lowest number among them), the risk types of failing 三保障 and water
-- criteria, and the per-capita net income. One monitoring line for the whole register
-- ({{line_fen}} fen: the register is one county, which no [override] of the policy touches).
COPY (
  WITH member_facts AS (  -- every member: the pool is most households
    SELECT "户编号" AS code, count(*) AS n,
           bool_or(out_of_school("出生日期", "在校生状况")) AS education_fails,
           bool_or(uninsured("参加城乡居民基本医疗保险", "参加职工基本医疗保险")) AS medical_fails
    FROM members
    GROUP BY ALL
  ), pool AS (
    SELECT h."户编号" AS household_code, h."行政区划代码" AS village_code,
           h."户类型" = '建档立卡户' AS registered, net_income(h) AS net,
           fen(h."合规自付医疗支出") + fen(h."教育支出") + fen(h."灾害损失") AS rigid,
           coalesce(m.n, 0) AS n, m.education_fails, m.medical_fails,
           housing_safe(h."住房安全等级", h."危房改造", h."易地搬迁") AS housing,
           h."饮水安全" = '是' AS water
    FROM households h LEFT JOIN member_facts m ON m.code = h."户编号"
    WHERE ((h."户类型" = '建档立卡户' AND h."贫困状态" = '已脱贫') OR h."户类型" = '普通农户')
      -- 监测中, given or (empty for a monitored household) the import's default.
      AND NOT coalesce(h."监测状态" = '监测中'
                       OR (h."监测状态" IS NULL AND h."监测对象类型" <> '非监测对象'), false)
  ), ruled AS (
    SELECT *, per_capita(net, n) AS pc, per_capita(net, n) < {{line_fen}} AS below,
           -- rigid > ratio × net, exactly; or net ≤ 0 while rigid > 0 (RigidExpenseFires).
           rigid > 0 AND (net <= 0 OR CAST(rigid AS HUGEINT) * 1000000
                                      > CAST({{ratio_micros}} AS HUGEINT) * net) AS rigid_fires
    FROM pool
  )
  SELECT household_code,
         CASE WHEN below THEN (CASE WHEN registered THEN 1 ELSE 2 END) ELSE 3 END AS type,
         list_filter([CASE WHEN below THEN 'income_below_line' END,
                      CASE WHEN rigid_fires THEN 'rigid_expense' END], x -> x IS NOT NULL) AS rules,
         list_filter([CASE WHEN coalesce(medical_fails, false) THEN '01' END,       -- 因病
                      CASE WHEN coalesce(education_fails, false) THEN '02' END,     -- 因学
                      CASE WHEN NOT housing THEN '09' END,                          -- 住房安全问题
                      CASE WHEN NOT coalesce(water, false) THEN '10' END],          -- 饮水安全问题
                     x -> x IS NOT NULL) AS risk_types,
         yuan(pc) AS per_capita_income, village_code
  FROM ruled
  WHERE below OR rigid_fires
  ORDER BY household_code
) TO '{{out}}' (FORMAT json, ARRAY true);
