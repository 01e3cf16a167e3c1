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
