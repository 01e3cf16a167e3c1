// The Content-Disposition of downloads: a client's file name never breaks out of the header.
#include "api/reply.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(ContentDispositionTest, APlainNameIsQuotedAsItIs) {
  EXPECT_EQ(ContentDisposition("households.xlsx"), "attachment; filename=\"households.xlsx\"");
}

TEST(ContentDispositionTest, AChineseNameGetsAnAsciiFallbackAndTheExactUtf8Name) {
  EXPECT_EQ(ContentDisposition("门前 1.jpg"),
            "attachment; filename=\"______ 1.jpg\"; "
            "filename*=UTF-8''%E9%97%A8%E5%89%8D%201.jpg");
}

TEST(ContentDispositionTest, QuotesBackslashesAndLineBreaksCannotEndTheHeader) {
  const std::string header = ContentDisposition("a\"b\\c\r\nSet-Cookie: x.png");
  EXPECT_EQ(header.find('\r'), std::string::npos);
  EXPECT_EQ(header.find('\n'), std::string::npos);
  EXPECT_EQ(header.substr(0, 44), "attachment; filename=\"a_b_c__Set-Cookie: x.p");
  EXPECT_NE(header.find("filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.png"),
            std::string::npos);
}

}  // namespace
}  // namespace fupin

namespace fupin {
namespace {

Query Q(std::vector<std::pair<std::string, std::string>> items) { return Query(std::move(items)); }

HttpRequest WithId(std::string id) {
  HttpRequest req;
  req.params = {{"id", std::move(id)}};
  return req;
}

TEST(PathIdTest, APositiveNumberIsTheIdAndAnythingElseIsNoSuchRecord) {
  EXPECT_EQ(*PathId(WithId("42"), "投诉", "complaint"), 42);
  for (const char* bad : {"", "0", "-1", "4x", "1234567890123456789", "１２"}) {
    auto id = PathId(WithId(bad), "投诉", "complaint");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.error().code, "E_NOT_FOUND");
    EXPECT_EQ(id.error().en, std::string("no such complaint: ") + bad);
    EXPECT_EQ(id.error().zh, std::string("投诉不存在：") + bad);
  }
}

TEST(BoolParamTest, OnlyTrueAndFalseAreFlagsAndAbsentIsFalse) {
  EXPECT_FALSE(*BoolParam(Query(), "overdue"));
  EXPECT_TRUE(*BoolParam(Q({{"overdue", "true"}}), "overdue"));
  EXPECT_FALSE(*BoolParam(Q({{"overdue", "false"}}), "overdue"));
  auto bad = BoolParam(Q({{"overdue", "1"}}), "overdue");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "E_USAGE");
  EXPECT_EQ(bad.error().en, "overdue must be true or false");
}

TEST(PageParamTest, PagesOfFiftyByDefaultAndAtMostFiveHundredRows) {
  auto first = PageParam(Query());
  EXPECT_EQ(first->page, 1);
  EXPECT_EQ(first->size, 50);
  EXPECT_EQ(first->offset, 0);
  auto third = PageParam(Q({{"page", "3"}, {"size", "20"}}));
  EXPECT_EQ(third->offset, 40);
  EXPECT_FALSE(PageParam(Q({{"size", "501"}})).ok());
  EXPECT_FALSE(PageParam(Q({{"page", "0"}})).ok());
}

}  // namespace
}  // namespace fupin
