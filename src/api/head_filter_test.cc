#include "api/head_filter.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

HeadLimits Limits(std::uint64_t body) {
  HeadLimits limits;
  limits.body = body;
  return limits;
}

std::string FeedAll(HeadFilter& filter, std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) filter.Feed(part, out);
  return out;
}

bool ValidToken(std::string_view token) { return token == "good"; }

TEST(HeadFilter, PassesRequestsWithinTheLimitsUnchanged) {
  HeadFilter filter(Limits(10), "10.0.0.1", nullptr, nullptr);
  const std::string request =
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
      "GET /b HTTP/1.1\r\n\r\n";
  EXPECT_EQ(FeedAll(filter, {request}), request);
  EXPECT_FALSE(filter.refused());
}

TEST(HeadFilter, HoldsAHeadBackUntilItIsComplete) {
  HeadFilter filter(Limits(10), "10.0.0.1", nullptr, nullptr);
  std::string out;
  filter.Feed("POST /a HTTP/1.1\r\nContent-Len", out);
  EXPECT_EQ(out, "");
  filter.Feed("gth: 3\r\n", out);
  EXPECT_EQ(out, "");
  filter.Feed("\r\nabc", out);
  EXPECT_EQ(out, "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(HeadFilter, RefusesAnOversizedBodyWith413AndDropsIt) {
  HeadFilter filter(Limits(10), "10.0.0.1", nullptr, nullptr);
  const std::string out = FeedAll(
      filter, {"POST /a?x=1 HTTP/1.1\r\ncontent-length: 11\r\nHost: x\r\n\r\n01234", "56789X"});
  EXPECT_EQ(out, "POST /a HTTP/1.1\r\nX-Fupin-Refuse: 413\r\n\r\n");
  EXPECT_TRUE(filter.refused());
}

TEST(HeadFilter, FindsTheSecondHeadAfterABodyInTheSameRead) {
  HeadFilter filter(Limits(5), "10.0.0.1", nullptr, nullptr);
  const std::string out =
      FeedAll(filter, {"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdePOST /b HTTP/1.1\r\n"
                       "Content-Length: 6\r\n\r\nabcdef"});
  EXPECT_EQ(out,
            "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdePOST /b HTTP/1.1\r\n"
            "X-Fupin-Refuse: 413\r\n\r\n");
}

TEST(HeadFilter, AcceptsBareLineFeeds) {
  HeadFilter filter(Limits(1), "10.0.0.1", nullptr, nullptr);
  EXPECT_EQ(FeedAll(filter, {"POST /a HTTP/1.1\nContent-Length: 2\n\nab"}),
            "POST /a HTTP/1.1\r\nX-Fupin-Refuse: 413\r\n\r\n");
}

TEST(HeadFilter, RefusesChunkedAndRepeatedLengthsWith411) {
  HeadFilter chunked(Limits(100), "10.0.0.1", nullptr, nullptr);
  EXPECT_EQ(
      FeedAll(chunked, {"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n"}),
      "POST /a HTTP/1.1\r\nX-Fupin-Refuse: 411\r\n\r\n");
  HeadFilter twice(Limits(100), "10.0.0.1", nullptr, nullptr);
  EXPECT_EQ(
      FeedAll(twice, {"POST /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde"}),
      "POST /a HTTP/1.1\r\nX-Fupin-Refuse: 411\r\n\r\n");
}

TEST(HeadFilter, AnswersALongUrlWith414BeforeItEnds) {
  HeadFilter filter(Limits(1), "10.0.0.1", nullptr, nullptr);
  const std::string out = FeedAll(filter, {"GET /a?" + std::string(20 * 1024, 'a')});
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nX-Fupin-Refuse: 414\r\n\r\n");
  EXPECT_TRUE(filter.refused());
}

TEST(HeadFilter, AnswersHugeHeadersWith431) {
  HeadFilter filter(Limits(1), "10.0.0.1", nullptr, nullptr);
  const std::string out =
      FeedAll(filter, {"GET /api/v1/health HTTP/1.1\r\nX-Big: " + std::string(100 * 1024, 'a')});
  EXPECT_EQ(out, "GET /api/v1/health HTTP/1.1\r\nX-Fupin-Refuse: 431\r\n\r\n");
  HeadFilter many(Limits(1), "10.0.0.1", nullptr, nullptr);
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) head += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(FeedAll(many, {head + "\r\n"}), "GET / HTTP/1.1\r\nX-Fupin-Refuse: 431\r\n\r\n");
}

TEST(HeadFilter, RemovesRefusalHeadersThatAClientSends) {
  HeadFilter filter(Limits(100), "10.0.0.1", nullptr, nullptr);
  EXPECT_EQ(FeedAll(filter, {"GET /a HTTP/1.1\r\nx-fupin-refuse: 413\r\nHost: x\r\n\r\n"}),
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
}

TEST(HeadFilter, RefusesALargeBodyWithoutAValidSessionBeforeReadingIt) {
  HeadLimits limits = Limits(1 << 20);
  limits.large_body = 10;
  HeadFilter anonymous(limits, "10.0.0.1", ValidToken, nullptr);
  EXPECT_EQ(FeedAll(anonymous, {"POST /u HTTP/1.1\r\nContent-Length: 11\r\n\r\n0123456789X"}),
            "POST /u HTTP/1.1\r\nX-Fupin-Refuse: 401\r\n\r\n");
  HeadFilter forged(limits, "10.0.0.1", ValidToken, nullptr);
  EXPECT_EQ(FeedAll(forged, {"POST /u HTTP/1.1\r\nAuthorization: Bearer bad\r\n"
                             "Content-Length: 11\r\n\r\n"}),
            "POST /u HTTP/1.1\r\nX-Fupin-Refuse: 401\r\n\r\n");
  HeadFilter good(limits, "10.0.0.1", ValidToken, nullptr);
  const std::string request =
      "POST /u HTTP/1.1\r\nAuthorization: Bearer good\r\nContent-Length: 11\r\n\r\n0123456789X";
  EXPECT_EQ(FeedAll(good, {request}), request);
  // A small body needs no session here: the route decides.
  HeadFilter small(limits, "10.0.0.1", ValidToken, nullptr);
  EXPECT_EQ(FeedAll(small, {"POST /u HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"}),
            "POST /u HTTP/1.1\r\nContent-Length: 2\r\n\r\nab");
}

TEST(HeadFilter, SharesTheUploadBudgetAndGivesItBack) {
  HeadLimits limits = Limits(1 << 20);
  limits.large_body = 10;
  UploadBudget budget(100, 2);
  const std::string big =
      "POST /u HTTP/1.1\r\nAuthorization: Bearer good\r\nContent-Length: 60\r\n\r\n";
  {
    HeadFilter first(limits, "10.0.0.1", ValidToken, &budget);
    EXPECT_EQ(FeedAll(first, {big}), big);
    EXPECT_EQ(budget.used(), 60u);
    HeadFilter second(limits, "10.0.0.2", ValidToken, &budget);
    EXPECT_EQ(FeedAll(second, {big}), "POST /u HTTP/1.1\r\nX-Fupin-Refuse: 503\r\n\r\n");
  }
  EXPECT_EQ(budget.used(), 0u);  // the connections closed
  UploadBudget per_address(1000, 1);
  HeadFilter a(limits, "10.0.0.1", ValidToken, &per_address);
  HeadFilter b(limits, "10.0.0.1", ValidToken, &per_address);
  EXPECT_EQ(FeedAll(a, {big}), big);
  EXPECT_EQ(FeedAll(b, {big}), "POST /u HTTP/1.1\r\nX-Fupin-Refuse: 503\r\n\r\n");
}

TEST(HeadFilter, ReleasesTheBudgetWhenTheNextRequestBegins) {
  HeadLimits limits = Limits(1 << 20);
  limits.large_body = 10;
  UploadBudget budget(100, 2);
  HeadFilter filter(limits, "10.0.0.1", ValidToken, &budget);
  std::string out;
  filter.Feed("POST /u HTTP/1.1\r\nAuthorization: Bearer good\r\nContent-Length: 20\r\n\r\n", out);
  filter.Feed(std::string(20, 'x'), out);
  EXPECT_EQ(budget.used(), 20u);
  filter.Feed("GET / HTTP/1.1\r\n\r\n", out);
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace fupin
