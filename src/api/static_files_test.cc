#include "api/static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace fupin {
namespace {

namespace fs = std::filesystem;

// A built app: index.html, a hashed script with its gzip and brotli variants, a logo.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-web-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
    fs::create_directories(root_ / "assets");
    Write("index.html", "<!DOCTYPE html><div id=app></div>");
    Write("assets/app-1a2b.js", "console.log(1)");
    Write("assets/app-1a2b.js.gz", "GZ");
    Write("assets/app-1a2b.js.br", "BR");
    Write("logo.svg", "<svg/>");
    auto loaded = StaticFiles::Load(root_.string());
    ASSERT_TRUE(loaded.ok());
    web_ = std::move(*loaded);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name, std::ios::binary) << text;
  }
  static HttpRequest Get(std::string path, std::string accept = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.accept_encoding = std::move(accept);
    return r;
  }
  static std::string Header(const Reply& reply, const std::string& name) {
    for (const auto& [k, v] : reply.headers) {
      if (k == name) return v;
    }
    return "";
  }

  fs::path root_;
  StaticFiles web_;
};

TEST_F(StaticFilesTest, TheRootAndEveryAppRouteAnswerIndexHtmlRevalidatedWithItsPolicy) {
  for (const char* path : {"/", "/households/H1", "/cases/12"}) {
    Reply r = web_.Serve(Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!DOCTYPE html><div id=app></div>") << path;
    EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");
    EXPECT_NE(Header(r, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  }
  EXPECT_EQ(web_.size(), 3u) << "the .gz and .br files are variants, not files";
}

TEST_F(StaticFilesTest, HashedAssetsAreCachedForAYearInTheBestEncodingTheBrowserTakes) {
  Reply br = web_.Serve(Get("/assets/app-1a2b.js", "gzip, deflate, br"));
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(Header(br, "Content-Encoding"), "br");
  EXPECT_EQ(Header(br, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(web_.Serve(Get("/assets/app-1a2b.js", "gzip")).body, "GZ");
  EXPECT_EQ(web_.Serve(Get("/assets/app-1a2b.js", "br;q=0, gzip")).body, "GZ");
  Reply plain = web_.Serve(Get("/assets/app-1a2b.js"));
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, AMatchingETagAnswers304AndAMissingFileWithAnExtension404) {
  Reply first = web_.Serve(Get("/logo.svg"));
  HttpRequest again = Get("/logo.svg");
  again.if_none_match = Header(first, "ETag");
  Reply cached = web_.Serve(again);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(web_.Serve(Get("/assets/gone-9z.js")).status, 404);
  EXPECT_EQ(web_.Serve(Get("/../../etc/passwd")).status, 404);
}

TEST_F(StaticFilesTest, OnlyGetAndHeadOutsideTheApiAreTheApps) {
  EXPECT_TRUE(StaticFiles::IsFor(Get("/households")));
  EXPECT_FALSE(StaticFiles::IsFor(Get("/api/v1/health")));
  EXPECT_FALSE(StaticFiles::IsFor(Get("/api")));
  HttpRequest post = Get("/");
  post.method = "POST";
  EXPECT_FALSE(StaticFiles::IsFor(post));
  HttpRequest head = Get("/logo.svg");
  head.method = "HEAD";
  EXPECT_TRUE(web_.Serve(head).body.empty());
}

TEST_F(StaticFilesTest, AFolderThatDoesNotExistGivesNoFiles) {
  auto none = StaticFiles::Load((root_ / "nothing").string());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace fupin
