// Private to the generator (generator*.cc): the tables it draws from, the code values it
// writes and small helpers over them.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>

#include "common/date.h"
#include "domain/household.h"
#include "service/generator/generator_random.h"

namespace fupin::generator_detail {

// Tables. Shares are parts per 10,000 unless noted.

inline constexpr std::string_view kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤"};
inline constexpr int kSurnameCount = static_cast<int>(std::size(kSurnames));

inline constexpr std::string_view kMaleChars[] = {
    "伟", "强", "军", "明", "永", "建", "国", "华", "平", "海", "林", "勇", "刚", "杰", "志",
    "文", "东", "斌", "峰", "辉", "俊", "鹏", "涛", "波", "宇", "浩", "凯", "晨", "磊", "超",
    "亮", "成", "德", "福", "生", "龙", "兵", "春", "金", "喜", "贵", "财", "全", "忠", "有",
    "发", "荣", "祥", "旺", "宝", "山", "学", "正", "云", "新", "天", "子", "小", "立", "红"};
inline constexpr std::string_view kFemaleChars[] = {
    "秀", "英", "华", "芳", "娟", "玲", "兰", "梅", "霞", "丽", "敏", "静", "燕", "红", "艳",
    "萍", "琴", "云", "凤", "莲", "珍", "花", "菊", "桂", "玉", "翠", "娥", "婷", "雪", "慧",
    "丹", "欣", "怡", "悦", "佳", "琳", "倩", "颖", "晶", "洁", "月", "春", "巧", "彩", "琼",
    "淑", "蓉", "莉", "娜", "思", "小", "美", "金", "香", "爱", "珠", "素", "银", "晓", "子"};

inline constexpr std::string_view kEthnicities[] = {"汉族",   "回族",     "藏族",   "彝族",
                                                    "壮族",   "苗族",     "土家族", "东乡族",
                                                    "蒙古族", "维吾尔族", "满族",   "侗族"};
inline constexpr Weighted kEthnicityWeights[] = {{0, 9000}, {1, 300}, {2, 150}, {3, 100},
                                                 {4, 100},  {5, 100}, {6, 80},  {7, 50},
                                                 {8, 40},   {9, 30},  {10, 30}, {11, 20}};

// 家庭人口数 1–8, mostly 3–5.
inline constexpr Weighted kSizes[] = {{1, 700},  {2, 1500}, {3, 1900}, {4, 2300},
                                      {5, 1800}, {6, 1000}, {7, 550},  {8, 250}};

// Among 建档立卡户: 已脱贫 most, some 未脱贫, a few 返贫 and 已剔除.
inline constexpr Weighted kPovertyStatuses[] = {
    {code::kExited, 9000}, {code::kPoor, 650}, {code::kReturned, 250}, {code::kRemoved, 100}};
inline constexpr Weighted kRegisteredYears[] = {{2014, 5500}, {2015, 1200}, {2016, 1100},
                                                {2017, 900},  {2018, 700},  {2019, 600}};
inline constexpr Weighted kExitYears[] = {{2014, 200},  {2015, 800},  {2016, 1500}, {2017, 2000},
                                          {2018, 2500}, {2019, 2000}, {2020, 1000}};

// 主要致贫原因 (provincial breakdowns: 因病 about 42%, then 因残, 缺资金, 因学, 缺技术 …).
inline constexpr Weighted kMainCauses[] = {{1, 4200}, {2, 1500}, {3, 800}, {4, 300}, {5, 200},
                                           {6, 100},  {7, 800},  {8, 700}, {9, 900}, {10, 100},
                                           {11, 300}, {12, 50},  {99, 50}};

inline constexpr Weighted kDisabilityGrades[] = {{1, 1200}, {2, 2300}, {3, 3000}, {4, 3500}};

// Per-capita net income, yuan a year, by situation.
inline constexpr Knot kExitedIncome[] = {{0, 3000},       {20000, 4600},   {60000, 6000},
                                         {150000, 7200},  {500000, 9800},  {850000, 13500},
                                         {970000, 19000}, {1000000, 32000}};
inline constexpr Knot kPoorIncome[] = {{0, 1000},      {100000, 2100}, {500000, 3200},
                                       {850000, 3950}, {950000, 4800}, {1000000, 7000}};
inline constexpr Knot kReturnedIncome[] = {
    {0, 1500}, {200000, 2800}, {500000, 3600}, {850000, 4800}, {1000000, 7000}};
inline constexpr Knot kRemovedIncome[] = {
    {0, 5000}, {500000, 13000}, {900000, 22000}, {1000000, 40000}};
inline constexpr Knot kOrdinaryIncome[] = {{0, 4500},       {50000, 6000},   {500000, 14000},
                                           {900000, 24000}, {990000, 40000}, {1000000, 60000}};
inline constexpr Knot kUnderLineIncome[] = {
    {0, 2500}, {500000, 5000}, {850000, 5900}, {1000000, 7500}};
inline constexpr Knot kClearedIncome[] = {{0, 6000}, {500000, 8500}, {1000000, 15000}};
inline constexpr Knot kRichIncome[] = {{0, 100001}, {1000000, 300000}};

// Yearly expenses, yuan.
inline constexpr Knot kMedicalCost[] = {
    {0, 200}, {500000, 3000}, {900000, 15000}, {990000, 60000}, {1000000, 150000}};
inline constexpr Knot kEducationCost[] = {
    {0, 300}, {500000, 1500}, {900000, 6000}, {1000000, 20000}};
inline constexpr Knot kDisasterLoss[] = {
    {0, 500}, {600000, 5000}, {950000, 30000}, {1000000, 100000}};

// Mobile prefixes 13x, 15x (no 154), 18x.
inline constexpr int kPhonePrefixes[] = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
                                         150, 151, 152, 153, 155, 156, 157, 158, 159, 180,
                                         181, 182, 183, 184, 185, 186, 187, 188, 189};

// Codes used only here (codes.md).
inline constexpr int kMale = 1, kFemale = 2;
inline constexpr int kOrdinaryAttribute = 1, kDibaoAttribute = 2, kTekunAttribute = 3;
enum Relation : int {
  kSpouse = 2,
  kSon = 3,
  kDaughter = 4,
  kDaughterInLaw = 5,
  kSonInLaw = 6,
  kGrandson = 7,
  kGranddaughter = 8,
  kDaughtersSon = 9,
  kDaughtersDaughter = 10,
  kFather = 11,
  kMother = 12,
  kWifesFather = 13,
  kWifesMother = 14,
  kHusbandsFather = 15,
  kHusbandsMother = 16,
  kSibling = 19,
  kOtherRelation = 99
};
enum School : int {
  kNotInSchool = 0,
  kPreschoolAge = 1,
  kPreschool = 2,
  kPrimary = 3,
  kJunior = 4,
  kSenior = 5,
  kVocational = 6,
  kCollege = 7,
  kUniversity = 8,
  kHomeTaught = 10,
  kSuspended = 11
};
inline constexpr int kCauseLackLabour = 8, kCauseLackCapital = 9;
inline constexpr int kRiskIllness = 1, kRiskSchooling = 2, kRiskDisability = 3, kRiskDisaster = 4,
                     kRiskLabour = 8, kRiskHousing = 9, kRiskWater = 10;
inline constexpr Weighted kExtraRisks[] = {{7, 3500}, {6, 2000}, {5, 1500}, {4, 1000}, {99, 2000}};

inline int32_t DaysOf(int year, int month, int day) {
  return Date::FromYmd(year, month, day)->days();
}

// Adds a health condition (2–4), dropping 健康.
inline void AddCondition(CodeSet& health, int condition) {
  health = CodeSet::FromBits(health.bits() & ~(uint64_t{1} << code::kHealthy));
  health.Add(condition);
}

}  // namespace fupin::generator_detail
