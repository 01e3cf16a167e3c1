#include "service/scratch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fupin {
namespace {

namespace fs = std::filesystem;

class ScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-scratch-XXXXXX";
    dir_ = mkdtemp(dir);
    db_ = dir_ + "/county.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  size_t EntriesInFolder() const {
    if (!fs::exists(ScratchFolder(db_))) return 0;
    return static_cast<size_t>(std::distance(fs::directory_iterator(ScratchFolder(db_)), {}));
  }

  std::string dir_, db_;
};

TEST_F(ScratchTest, TheFolderLiesBesideTheDatabaseAndOnlyItsOwnerMayEnterIt) {
  EXPECT_EQ(ScratchFolder(db_), db_ + "-tmp");
  auto entry = NewScratchFile(db_, "export-", ".xlsx");
  ASSERT_TRUE(entry.ok()) << entry.error().en;
  struct stat st {};
  ASSERT_EQ(::lstat(ScratchFolder(db_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(fs::path(entry->path()).parent_path(), fs::path(ScratchFolder(db_)));
  EXPECT_TRUE(entry->path().ends_with(".xlsx"));
  EXPECT_TRUE(fs::path(entry->path()).filename().string().starts_with("export-"));
}

TEST_F(ScratchTest, EveryEntryHasItsOwnNameAndIsGoneWhenItsHandleDies) {
  std::string file, folder;
  {
    auto a = NewScratchFile(db_, "upload-");
    auto b = NewScratchFile(db_, "upload-");
    auto c = NewScratchFolder(db_, "upload-");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_NE(a->path(), b->path());
    file = a->path();
    folder = c->path();
    std::ofstream(folder + "/households.csv") << "户编号\n";
    EXPECT_TRUE(fs::exists(file));
    EXPECT_TRUE(fs::exists(folder + "/households.csv"));
    EXPECT_EQ(EntriesInFolder(), 3u);
  }
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_EQ(EntriesInFolder(), 0u);
}

TEST_F(ScratchTest, AnEntryMovedIntoPlaceStaysThere) {
  const std::string target = db_ + "-ids";
  {
    auto entry = NewScratchFile(db_, "ids-");
    ASSERT_TRUE(entry.ok());
    const int fd = ::dup(entry->fd());
    ASSERT_EQ(::write(fd, "index", 5), 5);
    ::close(fd);
    ASSERT_TRUE(entry->MoveTo(target).ok());
    EXPECT_EQ(entry->path(), "");
  }
  std::ifstream in(target);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "index");
  EXPECT_EQ(EntriesInFolder(), 0u);
}

TEST_F(ScratchTest, AFailedMoveLeavesNothingBehind) {
  {
    auto entry = NewScratchFile(db_, "ids-");
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(entry->MoveTo(dir_ + "/no/such/folder/x").error().code, "E_IO");
  }
  EXPECT_EQ(EntriesInFolder(), 0u);
}

TEST_F(ScratchTest, CleanStaleRemovesWhatNoLiveProcessHoldsAndKeepsTheRest) {
  auto live_file = NewScratchFile(db_, "upload-");
  auto live_folder = NewScratchFolder(db_, "upload-");
  ASSERT_TRUE(live_file.ok() && live_folder.ok());
  const std::string folder = ScratchFolder(db_);
  // Leftovers of killed processes: a file, a folder with a file, a symlink (whose target
  // must survive), and a file another process (here: another descriptor) holds.
  std::ofstream(folder + "/upload-dead01") << "48 MB";
  fs::create_directory(folder + "/upload-dead02");
  std::ofstream(folder + "/upload-dead02/members.csv") << "…";
  std::ofstream(dir_ + "/precious") << "keep";
  fs::create_symlink(dir_ + "/precious", folder + "/link");
  std::ofstream(folder + "/held") << "busy";
  const int held = ::open((folder + "/held").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);

  auto removed = CleanStale(db_);
  ASSERT_TRUE(removed.ok()) << removed.error().en;
  EXPECT_EQ(*removed, 3);
  EXPECT_FALSE(fs::exists(folder + "/upload-dead01"));
  EXPECT_FALSE(fs::exists(folder + "/upload-dead02"));
  EXPECT_FALSE(fs::is_symlink(folder + "/link"));
  EXPECT_TRUE(fs::exists(dir_ + "/precious"));
  EXPECT_TRUE(fs::exists(folder + "/held"));
  EXPECT_TRUE(fs::exists(live_file->path()));
  EXPECT_TRUE(fs::exists(live_folder->path()));

  ::close(held);  // its holder is gone: the next sweep takes it
  EXPECT_EQ(*CleanStale(db_), 1);
  EXPECT_FALSE(fs::exists(folder + "/held"));
}

TEST_F(ScratchTest, TheEntriesOfAProcessKilledWithSigkillAreRemovedByTheNextSweep) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto entry = NewScratchFile(db_, "ids-");
    auto upload = NewScratchFolder(db_, "upload-");
    if (entry.ok() && upload.ok()) ::kill(::getpid(), SIGKILL);
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(EntriesInFolder(), 2u);
  EXPECT_EQ(*CleanStale(db_), 2);
  EXPECT_EQ(EntriesInFolder(), 0u);
}

TEST_F(ScratchTest, CleanStaleRemovesTheOldIndexTemporariesBesideTheDatabaseOnly) {
  std::ofstream(db_) << "db";
  std::ofstream(db_ + "-ids") << "index";
  std::ofstream(db_ + "-ids.Ab3xYz") << "46 MB";
  std::ofstream(db_ + "-ids.toolong1") << "not ours";
  std::ofstream(dir_ + "/other.db-ids.Ab3xYz") << "another database's";
  auto removed = CleanStale(db_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(fs::exists(db_ + "-ids.Ab3xYz"));
  for (const auto& kept :
       {db_, db_ + "-ids", db_ + "-ids.toolong1", dir_ + "/other.db-ids.Ab3xYz"}) {
    EXPECT_TRUE(fs::exists(kept)) << kept;
  }
}

TEST_F(ScratchTest, AMissingFolderIsNothingToClean) {
  auto removed = CleanStale(db_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0);
  EXPECT_FALSE(fs::exists(ScratchFolder(db_)));
}

TEST_F(ScratchTest, AFolderNameThatIsASymlinkIsRefused) {
  fs::create_directory(dir_ + "/elsewhere");
  fs::create_directory_symlink(dir_ + "/elsewhere", ScratchFolder(db_));
  auto entry = NewScratchFile(db_, "upload-");
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().code, "E_IO");
  EXPECT_FALSE(CleanStale(db_).ok());
  EXPECT_TRUE(fs::is_empty(dir_ + "/elsewhere"));
}

TEST_F(ScratchTest, AFolderOthersCouldEnterIsClosedToThem) {
  ASSERT_EQ(::mkdir(ScratchFolder(db_).c_str(), 0777), 0);
  ASSERT_EQ(::chmod(ScratchFolder(db_).c_str(), 0777), 0);
  ASSERT_TRUE(NewScratchFile(db_, "x-").ok());
  struct stat st {};
  ASSERT_EQ(::stat(ScratchFolder(db_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace fupin
