#include "api/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace fupin {
namespace {

// `levels` nested arrays (or objects under key "a") inside a top-level object, so the whole
// body is `levels + 1` deep.
std::string Nested(size_t levels, bool objects) {
  std::string body = "{\"a\":";
  for (size_t i = 0; i < levels; ++i) body += objects ? "{\"a\":" : "[";
  body += "1";
  for (size_t i = 0; i < levels; ++i) body += objects ? "}" : "]";
  return body + "}";
}

// An object with `n` keys "k0".."k{n-1}".
std::string Keys(size_t n) {
  std::string body = "{";
  for (size_t i = 0; i < n; ++i) body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  return body + "}";
}

// An object whose key "a" holds an array of `n` zeros: n + 2 values with the object.
std::string Values(size_t n) {
  std::string body = "{\"a\":[";
  for (size_t i = 0; i < n; ++i) body += i ? ",0" : "0";
  return body + "]}";
}

void ExpectRefused(const Result<nlohmann::ordered_json>& parsed, const std::string& zh_part) {
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "E_JSON");
  EXPECT_NE(parsed.error().zh.find(zh_part), std::string::npos) << parsed.error().zh;
  EXPECT_FALSE(parsed.error().en.empty());
}

TEST(ParseJsonBody, AnOrdinaryObjectIsParsed) {
  Result<nlohmann::ordered_json> parsed =
      ParseJsonBody(R"({"户主姓名":"张三","members":[{"姓名":"李四","年龄":12}],"ok":true})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().en;
  EXPECT_EQ((*parsed)["户主姓名"], "张三");
  EXPECT_EQ((*parsed)["members"][0]["年龄"], 12);
}

TEST(ParseJsonBody, FiftyThousandNestedArraysAreRefusedWithoutACrash) {
  ExpectRefused(ParseJsonBody(Nested(50'000, false)), "JSON 嵌套超过 16 层");
}

TEST(ParseJsonBody, FiftyThousandNestedObjectsAreRefusedWithoutACrash) {
  ExpectRefused(ParseJsonBody(Nested(50'000, true)), "JSON 嵌套超过 16 层");
}

TEST(ParseJsonBody, UnclosedDeepNestingIsRefusedAsTooDeep) {
  ExpectRefused(ParseJsonBody("{\"a\":" + std::string(100'000, '[')), "嵌套超过");
}

TEST(ParseJsonBody, BracketsInsideAStringDoNotNest) {
  std::string brackets(50'000, '[');
  Result<nlohmann::ordered_json> parsed = ParseJsonBody("{\"a\":\"" + brackets + "\\\"{{\"}");
  ASSERT_TRUE(parsed.ok()) << parsed.error().en;
  EXPECT_EQ((*parsed)["a"], brackets + "\"{{");
}

TEST(ParseJsonBody, DepthAtTheLimitPassesAndOneMoreIsRefused) {
  EXPECT_TRUE(ParseJsonBody(Nested(15, false)).ok());  // 16 levels
  EXPECT_TRUE(ParseJsonBody(Nested(15, true)).ok());
  ExpectRefused(ParseJsonBody(Nested(16, false)), "JSON 嵌套超过 16 层");
  ExpectRefused(ParseJsonBody(Nested(16, true)), "JSON 嵌套超过 16 层");
}

TEST(ParseJsonBody, ValueCountAtTheLimitPassesAndOneMoreIsRefused) {
  EXPECT_TRUE(ParseJsonBody(Values(100'000 - 2)).ok());
  ExpectRefused(ParseJsonBody(Values(100'000 - 1)), "超过 100000 个值");
}

TEST(ParseJsonBody, StringsAndLiteralsCountAsValuesButKeysDoNot) {
  JsonLimits limits;
  limits.max_values = 4;  // the object, "x", true, null
  EXPECT_TRUE(ParseJsonBody(R"({"a":"x","b":true,"c":null})", limits).ok());
  ExpectRefused(ParseJsonBody(R"({"a":"x","b":true,"c":null,"d":false})", limits), "个值");
}

TEST(ParseJsonBody, StringLengthAtTheLimitPassesAndOneMoreIsRefused) {
  const size_t limit = size_t{1} << 20;
  EXPECT_TRUE(ParseJsonBody("{\"a\":\"" + std::string(limit, 'x') + "\"}").ok());
  ExpectRefused(ParseJsonBody("{\"a\":\"" + std::string(limit + 1, 'x') + "\"}"),
                "JSON 字符串超过 1048576 字节");
}

TEST(ParseJsonBody, AnOverlongKeyIsRefusedLikeAString) {
  JsonLimits limits;
  limits.max_string_bytes = 3;
  EXPECT_TRUE(ParseJsonBody(R"({"abc":1})", limits).ok());
  ExpectRefused(ParseJsonBody(R"({"abcd":1})", limits), "字符串超过 3 字节");
}

TEST(ParseJsonBody, KeyCountAtTheLimitPassesAndOneMoreIsRefused) {
  EXPECT_TRUE(ParseJsonBody(Keys(1'000)).ok());
  ExpectRefused(ParseJsonBody(Keys(1'001)), "JSON 对象含有超过 1000 个键");
}

TEST(ParseJsonBody, KeysAreCountedPerObject) {
  JsonLimits limits;
  limits.max_keys = 2;
  EXPECT_TRUE(ParseJsonBody(R"({"a":{"x":1,"y":2},"b":{"x":1,"y":[1,2,3]}})", limits).ok());
  ExpectRefused(ParseJsonBody(R"({"a":{"x":1,"y":2,"z":3}})", limits), "超过 2 个键");
}

TEST(ParseJsonBody, BodySizeAtTheLimitPassesAndOneMoreIsRefused) {
  JsonLimits limits;
  limits.max_bytes = 9;
  EXPECT_TRUE(ParseJsonBody(R"({"a":"b"})", limits).ok());  // 9 bytes
  ExpectRefused(ParseJsonBody(R"({"a":"bc"})", limits), "请求体超过 9 字节");
}

TEST(ParseJsonBody, InvalidUtf8IsRefused) {
  ExpectRefused(ParseJsonBody("{\"a\":\"\xC3\x28\"}"), "UTF-8");
  ExpectRefused(ParseJsonBody("{\"a\":\"\xED\xA0\x80\"}"), "UTF-8");  // a surrogate
  ExpectRefused(ParseJsonBody("{\"a\":\"\xC0\xAF\"}"), "UTF-8");      // overlong '/'
  ExpectRefused(ParseJsonBody("{\"a\":\"\xE4\xB8\"}"), "UTF-8");      // truncated
}

TEST(ParseJsonBody, HugeNumbersAreRefusedAndBigOnesParsed) {
  ExpectRefused(ParseJsonBody(R"({"a":1e999})"), "JSON 数字超出范围");
  ExpectRefused(ParseJsonBody(R"({"a":-1e400})"), "JSON 数字超出范围");
  ExpectRefused(ParseJsonBody("{\"a\":" + std::string(10'000, '9') + "}"), "数字超过 64 个字符");
  Result<nlohmann::ordered_json> parsed = ParseJsonBody(R"({"id":620422199412032479,"x":1e300})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().en;
  EXPECT_EQ((*parsed)["id"].get<int64_t>(), 620422199412032479);
}

TEST(ParseJsonBody, TopLevelOtherThanAnObjectIsRefused) {
  for (const char* body : {"", "  ", "[]", "\"x\"", "1", "null", "[{}]"}) {
    Result<nlohmann::ordered_json> parsed = ParseJsonBody(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, "E_JSON");
    EXPECT_EQ(parsed.error().zh, "请求体不是有效的 JSON 对象");
  }
}

TEST(ParseJsonBody, MalformedJsonIsRefused) {
  for (const char* body : {"{", "{\"a\":}", "{\"a\":1,}", "{\"a\":tru}", "{\"a\":\"x}",
                           "{\"a\":1}}", "{\"a\":\"\\ud800\"}", "{\"a\" 1}"}) {
    Result<nlohmann::ordered_json> parsed = ParseJsonBody(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, "E_JSON") << body;
  }
}

TEST(ParseJsonBody, EscapesAndUnicodeAreDecoded) {
  Result<nlohmann::ordered_json> parsed = ParseJsonBody(R"({"a":"\u4e2d\"\\\n","b":"文"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().en;
  EXPECT_EQ((*parsed)["a"], "中\"\\\n");
  EXPECT_EQ((*parsed)["b"], "文");
}

}  // namespace
}  // namespace fupin
