#include "common/text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace fupin {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// The files the tests wrote, removed when the test program ends.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const auto& p : paths) std::remove(p.c_str());
  }
};
TempFiles g_temp_files;

// Writes `bytes` to a new file under the test's temporary directory and returns its path.
std::string WriteTempFile(const std::string& name, std::string_view bytes) {
  const std::string path =
      ::testing::TempDir() + "fupin_text_test_" + std::to_string(getpid()) + "_" + name;
  g_temp_files.paths.push_back(path);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return path;
  EXPECT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
  std::fclose(file);
  return path;
}

std::string Gb(std::string_view utf8) {
  Result<std::string> bytes = Utf8ToGb18030(utf8);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : "";
}

// Reads the whole file through a DecodingReader; the error if any read fails. Checks that
// every chunk is whole UTF-8 and at most about one chunk long.
Result<std::string> ReadAll(const std::string& path, Encoding encoding, Encoding* used = nullptr) {
  Result<std::unique_ptr<DecodingReader>> reader = DecodingReader::Open(path, encoding);
  if (!reader.ok()) return reader.error();
  std::string text;
  while (true) {
    std::string chunk;
    Result<bool> more = (*reader)->Read(chunk);
    if (!more.ok()) return more.error();
    if (!*more) {
      EXPECT_TRUE(chunk.empty());
      break;
    }
    EXPECT_FALSE(chunk.empty());
    EXPECT_TRUE(IsValidUtf8(chunk));
    EXPECT_LE(chunk.size(), 2 * kMiB);
    text += chunk;
  }
  if (used != nullptr) *used = (*reader)->encoding();  // as decided by the end
  return text;
}

TEST(ParseEncodingTest, KnowsTheNamesInAnyCase) {
  EXPECT_EQ(ParseEncoding("auto"), Encoding::kAuto);
  EXPECT_EQ(ParseEncoding("utf-8"), Encoding::kUtf8);
  EXPECT_EQ(ParseEncoding("UTF8"), Encoding::kUtf8);
  EXPECT_EQ(ParseEncoding("gb18030"), Encoding::kGb18030);
  EXPECT_EQ(ParseEncoding("GBK"), Encoding::kGb18030);
  EXPECT_EQ(ParseEncoding("latin1"), std::nullopt);
  EXPECT_EQ(ParseEncoding(""), std::nullopt);
}

TEST(ParseEncodingTest, NamesRoundTrip) {
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
    EXPECT_EQ(ParseEncoding(EncodingName(e)), e);
  }
  EXPECT_STREQ(EncodingName(Encoding::kUtf8), "utf-8");
  EXPECT_STREQ(EncodingName(Encoding::kGb18030), "gb18030");
  EXPECT_STREQ(EncodingName(Encoding::kAuto), "auto");
}

TEST(ParseLangTest, KnowsZhAndEn) {
  EXPECT_EQ(ParseLang("zh"), Lang::kZh);
  EXPECT_EQ(ParseLang("en"), Lang::kEn);
  EXPECT_EQ(ParseLang("fr"), std::nullopt);
  EXPECT_EQ(ParseLang(""), std::nullopt);
}

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii\n"));
  EXPECT_TRUE(IsValidUtf8("户编号,姓名"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(IsValidUtf8Test, RefusesMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xE6\x88x"));  // cut short inside the text
}

TEST(IsValidUtf8Test, TruncatedTailIsAcceptedOnlyWhenAllowed) {
  const std::string text = "户编号";  // three 3-byte characters
  for (size_t cut = 1; cut <= 2; ++cut) {
    std::string_view head(text.data(), text.size() - cut);
    EXPECT_FALSE(IsValidUtf8(head)) << cut;
    EXPECT_TRUE(IsValidUtf8(head, /*allow_truncated_tail=*/true)) << cut;
  }
  EXPECT_FALSE(IsValidUtf8("\xE6\x88x", /*allow_truncated_tail=*/true));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0", /*allow_truncated_tail=*/true));
}

TEST(ConversionTest, Utf8AndGb18030RoundTrip) {
  const std::string text = "户编号,姓名\n张三,😀\n";
  Result<std::string> gb = Utf8ToGb18030(text);
  ASSERT_TRUE(gb.ok());
  EXPECT_EQ(gb->substr(0, 2), "\xBB\xA7");  // 户
  EXPECT_NE(*gb, text);
  Result<std::string> back = Gb18030ToUtf8(*gb);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, text);
}

TEST(ConversionTest, InvalidInputIsAnEncodingError) {
  Result<std::string> from_gb = Gb18030ToUtf8("ab\xFF");
  ASSERT_FALSE(from_gb.ok());
  EXPECT_EQ(from_gb.error().code, "E_ENCODING");
  EXPECT_EQ(Gb18030ToUtf8("ab\xBB").error().code, "E_ENCODING");  // cut short
  EXPECT_EQ(Utf8ToGb18030("ab\xC0\xAF").error().code, "E_ENCODING");
}

TEST(DetectEncodingTest, BomOrValidUtf8IsUtf8) {
  EXPECT_EQ(DetectEncoding(""), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("id,name\n1,a\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("户编号,姓名\n张三"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF户编号"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF\xFF\xFF"), Encoding::kUtf8);
}

TEST(DetectEncodingTest, AHeadCutInsideAUtf8CharacterIsStillUtf8) {
  const std::string text = "户编号,姓名";
  EXPECT_EQ(DetectEncoding(std::string_view(text).substr(0, text.size() - 1)), Encoding::kUtf8);
}

TEST(DetectEncodingTest, Gb18030BytesAreGb18030) {
  const std::string gb = Gb("户编号,姓名\n张三");
  EXPECT_EQ(DetectEncoding(gb), Encoding::kGb18030);
  EXPECT_EQ(DetectEncoding(std::string_view(gb).substr(0, gb.size() - 1)), Encoding::kGb18030);
}

TEST(DetectEncodingTest, BytesValidInNeitherAreRefused) {
  EXPECT_EQ(DetectEncoding("a,b\n\xFF\xFF\n"), std::nullopt);
  EXPECT_EQ(DetectEncoding("\x80"), std::nullopt);
}

TEST(DecodingReaderTest, ReadsUtf8) {
  const std::string text = "户编号,姓名\n张三\n";
  const std::string path = WriteTempFile("utf8.csv", text);
  Encoding used = Encoding::kAuto;
  Result<std::string> read = ReadAll(path, Encoding::kAuto, &used);
  ASSERT_TRUE(read.ok()) << read.error().en;
  EXPECT_EQ(*read, text);
  EXPECT_EQ(used, Encoding::kUtf8);
}

TEST(DecodingReaderTest, DropsTheUtf8Bom) {
  const std::string path = WriteTempFile("bom.csv", "\xEF\xBB\xBF户编号,姓名\n张三");
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8}) {
    Result<std::string> read = ReadAll(path, e);
    ASSERT_TRUE(read.ok()) << read.error().en;
    EXPECT_EQ(*read, "户编号,姓名\n张三");
  }
}

TEST(DecodingReaderTest, ReadsGb18030AsUtf8) {
  const std::string path = WriteTempFile("gb.csv", Gb("户编号,姓名\n张三"));
  for (Encoding e : {Encoding::kAuto, Encoding::kGb18030}) {
    Encoding used = Encoding::kAuto;
    Result<std::string> read = ReadAll(path, e, &used);
    ASSERT_TRUE(read.ok()) << read.error().en;
    EXPECT_EQ(*read, "户编号,姓名\n张三");
    EXPECT_EQ(used, Encoding::kGb18030);
  }
}

TEST(DecodingReaderTest, EmptyFileEndsAtOnce) {
  const std::string path = WriteTempFile("empty.csv", "");
  Result<std::unique_ptr<DecodingReader>> reader = DecodingReader::Open(path, Encoding::kAuto);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->encoding(), Encoding::kUtf8);
  std::string out = "kept";
  Result<bool> more = (*reader)->Read(out);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(out, "kept");
}

TEST(DecodingReaderTest, ReadAppendsToOut) {
  const std::string path = WriteTempFile("append.csv", "abc");
  Result<std::unique_ptr<DecodingReader>> reader = DecodingReader::Open(path, Encoding::kUtf8);
  ASSERT_TRUE(reader.ok());
  std::string out = "x";
  ASSERT_TRUE(*(*reader)->Read(out));
  EXPECT_EQ(out, "xabc");
  EXPECT_FALSE(*(*reader)->Read(out));
  EXPECT_EQ(out, "xabc");
}

TEST(DecodingReaderTest, MissingFileIsAnIoErrorNamingThePath) {
  const std::string path = ::testing::TempDir() + "fupin_text_test_no_such_file.csv";
  Result<std::unique_ptr<DecodingReader>> reader = DecodingReader::Open(path, Encoding::kAuto);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, "E_IO");
  EXPECT_EQ(reader.error().zh, "无法读取文件：" + path);
  EXPECT_EQ(reader.error().en, "cannot read file: " + path);
}

TEST(DecodingReaderTest, DirectoryIsAnIoError) {
  Result<std::string> read = ReadAll(::testing::TempDir(), Encoding::kUtf8);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_IO");
}

TEST(DecodingReaderTest, BytesValidInNeitherEncodingAreReportedWithTheirLine) {
  const std::string path = WriteTempFile("bad_auto.csv", "户编号,姓名\n张三,1\n李\xFF四,2\n");
  Result<std::unique_ptr<DecodingReader>> reader = DecodingReader::Open(path, Encoding::kAuto);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, "E_ENCODING");
  EXPECT_EQ(reader.error().zh,
            "文件编码无法识别：" + path + " 第 3 行的字节既不是 UTF-8 也不是 GB18030");
  EXPECT_EQ(reader.error().en, "cannot tell the encoding of " + path +
                                   ": the bytes on line 3 are neither UTF-8 nor GB18030");
}

TEST(DecodingReaderTest, BadUtf8IsReportedWithItsLine) {
  const std::string path = WriteTempFile("bad_utf8.csv", "户编号,姓名\n张三,1\n李\xFF四,2\n");
  Result<std::string> read = ReadAll(path, Encoding::kUtf8);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_ENCODING");
  EXPECT_EQ(read.error().zh, "文件编码错误：" + path + " 第 3 行的字节不是有效的 UTF-8");
  EXPECT_EQ(read.error().en,
            "bad encoding in " + path + ": the bytes on line 3 are not valid UTF-8");
}

TEST(DecodingReaderTest, BadGb18030IsReportedWithItsLine) {
  const std::string path =
      WriteTempFile("bad_gb.csv", Gb("户编号,姓名\n张三,1\n李") + "\xFF" + Gb("四,2\n"));
  Result<std::string> read = ReadAll(path, Encoding::kGb18030);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_ENCODING");
  EXPECT_NE(read.error().zh.find("第 3 行"), std::string::npos) << read.error().zh;
  EXPECT_NE(read.error().en.find("line 3 are not valid GB18030"), std::string::npos);
}

TEST(DecodingReaderTest, FileCutInsideACharacterIsAnEncodingError) {
  const std::string gb = Gb("张三\n李四");
  const std::string path = WriteTempFile("cut_gb.csv", gb.substr(0, gb.size() - 1));
  Result<std::string> read = ReadAll(path, Encoding::kGb18030);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().en.find("line 2"), std::string::npos) << read.error().en;

  const std::string utf8 = "张三\n李四";
  const std::string path8 = WriteTempFile("cut_utf8.csv", utf8.substr(0, utf8.size() - 1));
  Result<std::string> read8 = ReadAll(path8, Encoding::kAuto);
  ASSERT_FALSE(read8.ok());
  EXPECT_NE(read8.error().en.find("line 2"), std::string::npos) << read8.error().en;
}

// Lines of ASCII filling exactly `size` bytes.
std::string AsciiLines(size_t size) {
  std::string text;
  while (text.size() < size) text += text.size() % 40 == 39 ? '\n' : 'a';
  return text;
}

TEST(DecodingReaderTest, Gb18030CharacterAcrossTheChunkBoundaryDecodesIdentically) {
  // "户" is 2 bytes and "😀" 4 bytes in GB18030; start them 1 to 3 bytes before 1 MiB.
  const std::string header = "户编号,姓名\n";
  const std::string header_gb = Gb(header);
  for (size_t before : {1, 2, 3}) {
    for (const char* character : {"户", "😀"}) {
      const std::string padding = AsciiLines(kMiB - before - header_gb.size());
      const std::string tail = std::string(character) + ",张三\n" + AsciiLines(1000) + "李四";
      const std::string bytes = header_gb + padding + Gb(tail);
      ASSERT_EQ(bytes.substr(kMiB - before, 2), Gb(character).substr(0, 2));
      const std::string path = WriteTempFile("big_gb.csv", bytes);
      for (Encoding e : {Encoding::kAuto, Encoding::kGb18030}) {
        Encoding used = Encoding::kAuto;
        Result<std::string> read = ReadAll(path, e, &used);
        ASSERT_TRUE(read.ok()) << read.error().en;
        EXPECT_EQ(used, Encoding::kGb18030);
        EXPECT_TRUE(*read == header + padding + tail) << before << " " << character;
      }
    }
  }
}

TEST(DecodingReaderTest, Gb18030AfterAnAsciiHeadIsDetectedWhereItStarts) {
  // The first 64 KiB are all ASCII: the first non-ASCII bytes decide the encoding.
  const std::string bytes = AsciiLines(kMiB) + Gb("张三\n");
  const std::string path = WriteTempFile("late_gb.csv", bytes);
  Encoding used = Encoding::kAuto;
  Result<std::string> detected = ReadAll(path, Encoding::kAuto, &used);
  ASSERT_TRUE(detected.ok()) << detected.error().en;
  EXPECT_EQ(used, Encoding::kGb18030);
  EXPECT_TRUE(*detected == AsciiLines(kMiB) + "张三\n");
}

TEST(DecodingReaderTest, Utf8AfterAnAsciiHeadSettlesUtf8) {
  const std::string text = AsciiLines(kMiB) + "张三\n";
  const std::string path = WriteTempFile("late_utf8.csv", text + "\xff\n");
  Result<std::string> read = ReadAll(path, Encoding::kAuto);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_ENCODING");
  EXPECT_GT(read.error().line, 1u);
}

TEST(DecodingReaderTest, Gb18030FileDetectedFromItsHeadSpansSeveralChunks) {
  std::string text;
  while (text.size() < 3 * kMiB) text += "户编号,姓名,张三,李四,王五\n";
  const std::string path = WriteTempFile("big_gb_auto.csv", Gb(text));
  Encoding used = Encoding::kAuto;
  Result<std::string> read = ReadAll(path, Encoding::kAuto, &used);
  ASSERT_TRUE(read.ok()) << read.error().en;
  EXPECT_EQ(used, Encoding::kGb18030);
  EXPECT_TRUE(*read == text);
}

TEST(DecodingReaderTest, Utf8CharacterAcrossTheChunkBoundaryDecodesIdentically) {
  for (size_t before : {1, 2, 3}) {
    const std::string text = AsciiLines(kMiB - before) + "😀户,张三\n" + AsciiLines(5000);
    const std::string path = WriteTempFile("big_utf8.csv", text);
    Result<std::string> read = ReadAll(path, Encoding::kAuto);
    ASSERT_TRUE(read.ok()) << read.error().en;
    EXPECT_TRUE(*read == text) << before;
  }
}

TEST(DecodingReaderTest, BadBytesInALaterChunkAreReportedWithTheirLine) {
  // 40-byte lines: line 2 * 26215 + 1 holds the bad byte, beyond the first two chunks.
  const std::string good = AsciiLines(40 * 2 * 26215);
  const std::string path = WriteTempFile("late_bad.csv", good + "ab\xFF\ncd\n");
  Result<std::string> read = ReadAll(path, Encoding::kAuto);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_ENCODING");
  EXPECT_NE(read.error().en.find("line " + std::to_string(2 * 26215 + 1) + " "), std::string::npos)
      << read.error().en;
}

}  // namespace
}  // namespace fupin

namespace fupin {
namespace {

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharactersAndKeepsUtf8) {
  std::string out = "x";
  AppendJsonString(out, "张\"三\\\n\t\x01");
  EXPECT_EQ(out, "x\"张\\\"三\\\\\\n\\t\\u0001\"");
}

}  // namespace
}  // namespace fupin

namespace fupin {
namespace {

TEST(AppendJsonString, CopiesPlainTextWholeAndEscapesAtTheEdges) {
  std::string out;
  AppendJsonString(out, "\"a\"");
  AppendJsonString(out, "");
  AppendJsonString(out, "plain 文本");
  EXPECT_EQ(out, "\"\\\"a\\\"\"\"\"\"plain 文本\"");
}

// ---- refused control characters ----

using namespace std::string_literals;

TEST(FindForbiddenControlTest, AcceptsOrdinaryNamesAndPunctuation) {
  EXPECT_FALSE(FindForbiddenControl("黎志"));
  EXPECT_FALSE(FindForbiddenControl("阿卜杜拉·买买提"));
  EXPECT_FALSE(FindForbiddenControl("O'Neil — “引号”…"));    // U+2014, U+201C, U+2026
  EXPECT_FALSE(FindForbiddenControl("\u00A0\u00E9"));        // NBSP and é start with C2/C3
  EXPECT_FALSE(FindForbiddenControl("\u2029\u2070\u206A"));  // neighbours of the bidi ranges
  EXPECT_FALSE(FindForbiddenControl(""));
}

TEST(FindForbiddenControlTest, FindsNulAndOtherC0ControlsWithTheirOffset) {
  auto nul = FindForbiddenControl("黎志\0evil"s);
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->offset, 6u);
  EXPECT_EQ(nul->code_point, 0u);
  EXPECT_EQ(FindForbiddenControl("a\x1b[31mred")->code_point, 0x1Bu);
  EXPECT_EQ(FindForbiddenControl("bell\a")->code_point, 0x07u);
  EXPECT_EQ(FindForbiddenControl("x\x1f")->code_point, 0x1Fu);
  EXPECT_EQ(FindForbiddenControl("del\x7f")->code_point, 0x7Fu);
}

TEST(FindForbiddenControlTest, RefusesLineBreaksUnlessAllowed) {
  EXPECT_EQ(FindForbiddenControl("回族\n（回）")->code_point, U'\n');
  EXPECT_EQ(FindForbiddenControl("a\tb")->code_point, U'\t');
  EXPECT_EQ(FindForbiddenControl("a\rb")->code_point, U'\r');
  EXPECT_FALSE(FindForbiddenControl("回族\r\n（回）\t", LineBreaks::kAllowed));
  EXPECT_TRUE(FindForbiddenControl("回族\n\x1b", LineBreaks::kAllowed));
}

TEST(FindForbiddenControlTest, FindsC1ControlsAtTheirBoundaries) {
  EXPECT_EQ(FindForbiddenControl("a\u0080")->code_point, 0x80u);
  EXPECT_EQ(FindForbiddenControl("a\u009B[2J")->code_point, 0x9Bu);  // CSI
  EXPECT_EQ(FindForbiddenControl("a\u009F")->code_point, 0x9Fu);
  EXPECT_FALSE(FindForbiddenControl("a\u00A0"));
  EXPECT_FALSE(FindForbiddenControl("a\u007E"));
}

TEST(FindForbiddenControlTest, FindsEveryBidiControlAndNothingBeside) {
  for (char32_t cp : {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066,
                      0x2067, 0x2068, 0x2069}) {
    std::string text = "名";
    if (cp < 0x800) {
      text += static_cast<char>(0xC0 | (cp >> 6));
    } else {
      text += static_cast<char>(0xE0 | (cp >> 12));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    text += static_cast<char>(0x80 | (cp & 0x3F));
    auto found = FindForbiddenControl(text);
    ASSERT_TRUE(found) << CodePointName(cp);
    EXPECT_EQ(found->code_point, cp);
    EXPECT_EQ(found->offset, 3u);
  }
  EXPECT_FALSE(FindForbiddenControl("\u061B\u061D\u200D\u2010\u2029\u202F\u2065\u206A"));
}

TEST(FindForbiddenControlTest, FindsAControlPastTheFirstSixteenBytes) {
  const std::string text = std::string(40, 'a') + "\u202E" + std::string(40, 'b');
  EXPECT_EQ(FindForbiddenControl(text)->offset, 40u);
  EXPECT_FALSE(FindForbiddenControl(std::string(100, 'a')));
  EXPECT_TRUE(MayHoldControl(std::string(33, 'a') + "\x01"));
  EXPECT_FALSE(MayHoldControl("张三,620422199412032479,2024-01-01,备注内容"));
}

TEST(EscapeControlsTest, ShowsEveryRefusedCharacterEscaped) {
  EXPECT_EQ(EscapeControls("黎志\0evil"s), "黎志\\u0000evil");
  EXPECT_EQ(EscapeControls("\x1b[31m\a\x7f"), "\\u001B[31m\\u0007\\u007F");
  EXPECT_EQ(EscapeControls("a\u009Bb"), "a\\u009Bb");
  EXPECT_EQ(EscapeControls("abc\u202Efdp.exe"), "abc<U+202E>fdp.exe");
  EXPECT_EQ(EscapeControls("\u2066x\u2069\u061C"), "<U+2066>x<U+2069><U+061C>");
  EXPECT_EQ(EscapeControls("a\tb\nc\r"), "a\\tb\\nc\\r");
}

TEST(EscapeControlsTest, KeepsOtherTextAsItIs) {
  EXPECT_EQ(EscapeControls("黎志 O'Neil — “x” \\u0000"), "黎志 O'Neil — “x” \\u0000");
  EXPECT_EQ(EscapeControls(""), "");
  EXPECT_EQ(EscapeControls("\xff\xfe"), "\xff\xfe");  // not UTF-8: left alone
}

TEST(CheckNoControlsTest, NamesTheFieldAndTheCharacter) {
  EXPECT_TRUE(
      CheckNoControls("重复登记，已核实\n见附件", "理由", "reason", LineBreaks::kAllowed).ok());
  Status bad = CheckNoControls("已核实\u202E", "理由", "reason", LineBreaks::kAllowed);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "E_FORMAT");
  EXPECT_EQ(bad.error().en, "reason holds a control character (U+202E), which is not allowed");
  EXPECT_FALSE(CheckNoControls("a\nb", "理由", "reason", LineBreaks::kRefused).ok());
}

TEST(StartsLikeFormulaTest, KnowsTheOwaspFirstCharacters) {
  for (const char* text : {"=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)", "\tx", "\rx"}) {
    EXPECT_TRUE(StartsLikeFormula(text)) << text;
  }
  for (const char* text : {"", "黎志", "1+2", "'=1", " =1", "a=b"}) {
    EXPECT_FALSE(StartsLikeFormula(text)) << text;
  }
}

}  // namespace
}  // namespace fupin
