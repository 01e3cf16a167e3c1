#include "api/body_limit.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

std::string FeedAll(BodyLimitFilter& filter, std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) filter.Feed(part, out);
  return out;
}

TEST(BodyLimitFilter, PassesRequestsWithinTheLimitUnchanged) {
  BodyLimitFilter filter(10);
  const std::string request =
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
      "GET /b HTTP/1.1\r\n\r\n";
  EXPECT_EQ(FeedAll(filter, {request}), request);
  EXPECT_FALSE(filter.refused());
}

TEST(BodyLimitFilter, HoldsAHeadBackUntilItIsComplete) {
  BodyLimitFilter filter(10);
  std::string out;
  filter.Feed("POST /a HTTP/1.1\r\nContent-Len", out);
  EXPECT_EQ(out, "");
  filter.Feed("gth: 3\r\n", out);
  EXPECT_EQ(out, "");
  filter.Feed("\r\nabc", out);
  EXPECT_EQ(out, "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(BodyLimitFilter, RenamesAnOversizedContentLengthAndDropsTheBody) {
  BodyLimitFilter filter(10);
  const std::string out =
      FeedAll(filter, {"POST /a HTTP/1.1\r\ncontent-length: 11\r\nHost: x\r\n\r\n01234", "56789X"});
  EXPECT_EQ(out, "POST /a HTTP/1.1\r\nX-Fupin-Refuse: 11\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(filter.refused());
}

TEST(BodyLimitFilter, FindsTheSecondHeadAfterABodyInTheSameRead) {
  BodyLimitFilter filter(5);
  const std::string out =
      FeedAll(filter, {"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdePOST /b HTTP/1.1\r\n"
                       "Content-Length: 6\r\n\r\nabcdef"});
  EXPECT_EQ(out,
            "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdePOST /b HTTP/1.1\r\n"
            "X-Fupin-Refuse: 6\r\n\r\n");
}

TEST(BodyLimitFilter, AcceptsBareLineFeeds) {
  BodyLimitFilter filter(1);
  EXPECT_EQ(FeedAll(filter, {"POST /a HTTP/1.1\nContent-Length: 2\n\nab"}),
            "POST /a HTTP/1.1\nX-Fupin-Refuse: 2\n\n");
}

TEST(BodyLimitFilter, LeavesChunkedAndAmbiguousBodiesToTheParser) {
  BodyLimitFilter chunked(1);
  const std::string request =
      "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n";
  EXPECT_EQ(FeedAll(chunked, {request}), request);
  BodyLimitFilter twice(1);
  const std::string two = "POST /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde";
  EXPECT_EQ(FeedAll(twice, {two}), two);
  EXPECT_FALSE(twice.refused());
}

TEST(BodyLimitFilter, PassesAHugeHeadOnForTheParserToRefuse) {
  BodyLimitFilter filter(1);
  const std::string head = "GET /a HTTP/1.1\r\nX: " + std::string(200 * 1024, 'a');
  EXPECT_EQ(FeedAll(filter, {head, "\r\n\r\n"}), head + "\r\n\r\n");
}

}  // namespace
}  // namespace fupin
