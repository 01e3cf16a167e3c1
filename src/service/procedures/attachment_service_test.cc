// Attachments: the type comes from the bytes and never from the name, the size is bounded,
// the name is only a label, and a file is claimed once, by its uploader, then read within
// its household's scope.
#include "service/procedures/attachment_service.h"

#include <gtest/gtest.h>

#include "service/accounts/audit_service.h"
#include "service/accounts/crypto.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H3,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kVillage = 620422102201;  // H1
constexpr int64_t kOther = 620422101205;    // H3
const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
const std::string kPdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

TEST(SniffMediaTypeTest, TheFirstBytesDecide) {
  EXPECT_EQ(SniffMediaType(kPng), "image/png");
  EXPECT_EQ(SniffMediaType(kJpeg), "image/jpeg");
  EXPECT_EQ(SniffMediaType(kPdf), "application/pdf");
  EXPECT_FALSE(SniffMediaType("GIF89a"));
  EXPECT_FALSE(SniffMediaType("<html>%PDF-"));
  EXPECT_FALSE(SniffMediaType(std::string("\x89PNG\r\n\x1A", 7))) << "a truncated signature";
  EXPECT_FALSE(SniffMediaType(""));
}

TEST(AttachmentLabelTest, OnlyTheBaseNameIsKeptWithoutControlCharacters) {
  EXPECT_EQ(AttachmentLabel("../../etc/passwd"), "passwd");
  EXPECT_EQ(AttachmentLabel("C:\\Users\\x\\照片.jpg"), "照片.jpg");
  EXPECT_EQ(AttachmentLabel("a\nb\x1b\r.png"), "ab.png");
  EXPECT_EQ(AttachmentLabel("evil\xE2\x80\xAEgpj.exe"), "evilgpj.exe") << "U+202E is dropped";
  EXPECT_EQ(AttachmentLabel("bad\xFF\xFEutf8.pdf"), "badutf8.pdf");
  EXPECT_EQ(AttachmentLabel(".."), "附件");
  EXPECT_EQ(AttachmentLabel("dir/"), "附件");
  EXPECT_EQ(AttachmentLabel("  "), "附件");
  std::string long_name;
  for (int i = 0; i < 150; ++i) long_name += "长";
  EXPECT_EQ(AttachmentLabel(long_name).size(), 100u * 3) << "100 characters, cut whole";
}

class AttachmentTest : public ServiceTest {
 protected:
  AttachmentTest() : ServiceTest({{620422000000, "县"}, {kOther, "甲村"}, {kVillage, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->errors.empty());
  }
  // Claims `ids` for `owner` of household H1 in a transaction of its own.
  Status Claim(const Caller& caller, const std::vector<int64_t>& ids,
               const std::string& owner = "case:1:2", const std::string& household = "H1") {
    FUPIN_RETURN_IF_ERROR(store_->Begin());
    Status s =
        ClaimAttachments(*store_, caller, ids, owner, RegionCode::FromInt(620422000000), household);
    if (!s.ok()) {
      store_->Rollback();
      return s;
    }
    return store_->Commit();
  }
  int64_t Upload(const Caller& caller, const std::string& bytes = kPng) {
    auto row = UploadAttachment(*store_, caller, "x.png", bytes);
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().en);
    return row.ok() ? row->id : 0;
  }

  const Caller op_ = As("village_op", Role::kVillageOperator, kVillage);
  const Caller other_op_ = As("village_op2", Role::kVillageOperator, kVillage);
};

TEST_F(AttachmentTest, APngNamedPdfIsStoredAsAPngWithItsChecksum) {
  auto row = UploadAttachment(*store_, op_, "scan.pdf", kPng);
  ASSERT_TRUE(row.ok()) << row.error().en;
  EXPECT_EQ(row->media_type, "image/png");
  EXPECT_EQ(row->file_name, "scan.pdf");
  EXPECT_EQ(row->size, 16);
  EXPECT_EQ(row->sha256, Sha256Hex(kPng));
  EXPECT_EQ(row->sha256.size(), 64u);
  EXPECT_TRUE(row->owner.empty());
  auto file = ReadAttachment(*store_, op_, row->id);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->content, kPng);
}

TEST_F(AttachmentTest, TheChecksumIsTheSha256OfTheBytes) {
  auto row = UploadAttachment(*store_, op_, "a.pdf", "%PDF-abc");
  ASSERT_TRUE(row.ok());
  // sha256("%PDF-abc"), computed independently (sha256sum).
  EXPECT_EQ(row->sha256, "1e8a7587529cc956d46dea481f38c623395a879a1179c277f476a9cdb88a540d");
}

TEST_F(AttachmentTest, ATextFileNamedJpgIsRefused) {
  auto row = UploadAttachment(*store_, op_, "photo.jpg", "just some text\n");
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().code, "E_ATTACHMENT_TYPE");
}

TEST_F(AttachmentTest, EmptyAndOversizedFilesAreRefused) {
  EXPECT_EQ(UploadAttachment(*store_, op_, "a.png", "").error().code, "E_EMPTY");
  std::string big = kPng + std::string(kMaxAttachmentBytes - kPng.size() + 1, '\0');
  EXPECT_EQ(UploadAttachment(*store_, op_, "a.png", big).error().code, "E_TOO_LARGE");
  big.pop_back();
  EXPECT_TRUE(UploadAttachment(*store_, op_, "a.png", big).ok()) << "10 MiB exactly is accepted";
}

TEST_F(AttachmentTest, RolesThatDoNotRecordMayNotUpload) {
  for (Role role : {Role::kViewer, Role::kAuditor, Role::kDepartment}) {
    EXPECT_EQ(UploadAttachment(*store_, As("x", role, 620422000000), "a.png", kPng).error().code,
              "E_FORBIDDEN");
  }
}

TEST_F(AttachmentTest, UnknownForeignAndClaimedIdsAreRefused) {
  const int64_t mine = Upload(op_);
  const int64_t theirs = Upload(other_op_);
  EXPECT_EQ(Claim(op_, {99999}).error().code, "E_ATTACHMENT");
  EXPECT_EQ(Claim(op_, {theirs}).error().code, "E_ATTACHMENT");
  EXPECT_EQ(Claim(op_, {mine, mine}).error().code, "E_ATTACHMENT");
  ASSERT_TRUE(Claim(op_, {mine}).ok());
  EXPECT_EQ(Claim(op_, {mine}, "case:2:1").error().code, "E_ATTACHMENT");
  auto of = AttachmentsOf(*store_, "case:1:2");
  ASSERT_TRUE(of.ok());
  ASSERT_EQ(of->size(), 1u);
  EXPECT_EQ((*of)[0].id, mine);
}

TEST_F(AttachmentTest, ARefusedClaimClaimsNothing) {
  const int64_t mine = Upload(op_);
  const int64_t theirs = Upload(other_op_);
  EXPECT_FALSE(Claim(op_, {mine, theirs}).ok());
  EXPECT_TRUE(AttachmentsOf(*store_, "case:1:2")->empty());
  EXPECT_TRUE(Claim(op_, {mine}).ok()) << "still unclaimed after the rollback";
}

TEST_F(AttachmentTest, AnOwnerHoldsAtMostNineAttachments) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Upload(op_));
  EXPECT_EQ(Claim(op_, ids).error().code, "E_ATTACHMENT");
  ids.pop_back();
  ASSERT_TRUE(Claim(op_, ids).ok());
  EXPECT_EQ(Claim(op_, {Upload(op_)}).error().code, "E_ATTACHMENT") << "a tenth, later";
}

TEST_F(AttachmentTest, ClaimingOutsideATransactionIsABug) {
  const Status s = ClaimAttachments(*store_, op_, {Upload(op_)}, "visit:1",
                                    RegionCode::FromInt(620422000000), "H1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "E_INTERNAL");
}

TEST_F(AttachmentTest, AnUnclaimedFileIsReadByItsUploaderAlone) {
  const int64_t id = Upload(op_);
  EXPECT_TRUE(ReadAttachment(*store_, op_, id).ok());
  EXPECT_EQ(ReadAttachment(*store_, other_op_, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(ReadAttachment(*store_, As("root", Role::kAdmin, 0), id).error().code, "E_NOT_FOUND");
}

TEST_F(AttachmentTest, AClaimedFileIsReadWithinItsHouseholdsScopeAndAudited) {
  const int64_t id = Upload(op_);
  ASSERT_TRUE(Claim(op_, {id}).ok());
  EXPECT_TRUE(ReadAttachment(*store_, other_op_, id).ok()) << "another operator of the village";
  auto viewer = ReadAttachment(*store_, As("viewer", Role::kViewer, 620422000000), id);
  EXPECT_TRUE(viewer.ok()) << viewer.error().en;
  auto outside = ReadAttachment(*store_, As("op3", Role::kVillageOperator, kOther), id);
  auto missing = ReadAttachment(*store_, As("op3", Role::kVillageOperator, kOther), 99999);
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  EXPECT_EQ(outside.error().en, missing.error().en) << "outside reads as missing";
  EXPECT_EQ(missing.error().code, "E_NOT_FOUND");
  // A helper not assigned to H1 does not see it.
  EXPECT_EQ(ReadAttachment(*store_, As("helper1", Role::kHelper, kVillage), id).error().code,
            "E_NOT_FOUND");
  AuditQuery q;
  q.action_prefix = "attachment.read";
  auto page = SearchAudit(*store_, CliCaller(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->items[0].target, "attachment:" + std::to_string(id));
}

}  // namespace
}  // namespace fupin
