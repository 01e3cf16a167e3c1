#include "service/scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace fupin {
namespace {

namespace fs = std::filesystem;

Error CannotUse(const std::string& folder) {
  return Error::Io("无法使用临时文件夹 " + folder, "cannot use the scratch folder " + folder);
}

// A lock on the folder itself: shared while an entry is made and locked, exclusive while
// CleanStale sweeps, so that a sweep never takes an entry made but not yet locked.
class FolderLock {
 public:
  FolderLock(const std::string& folder, int operation) {
    fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd_ < 0) return;
    while (::flock(fd_, operation) != 0) {
      if (errno != EINTR) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);  // closing unlocks
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

bool LockNow(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

// Whether `name` is `<base>-ids.` and six characters of mkstemp's: the register index's
// temporary files of the versions before the scratch folder.
bool IsOldIndexTemp(std::string_view name, std::string_view base) {
  const std::string prefix = std::string(base) + "-ids.";
  if (name.size() != prefix.size() + 6 || !name.starts_with(prefix)) return false;
  for (char c : name.substr(prefix.size())) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) return false;
  }
  return true;
}

std::vector<std::string> Names(const std::string& folder, bool* ok) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(folder.c_str());
  *ok = dir != nullptr;
  if (!dir) return out;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") out.emplace_back(name);
  }
  ::closedir(dir);
  return out;
}

}  // namespace

ScratchEntry::ScratchEntry(ScratchEntry&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), folder_(other.folder_) {
  other.path_.clear();
  other.fd_ = -1;
}

ScratchEntry& ScratchEntry::operator=(ScratchEntry&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    folder_ = other.folder_;
    other.path_.clear();
    other.fd_ = -1;
  }
  return *this;
}

ScratchEntry::~ScratchEntry() { Release(); }

void ScratchEntry::Release() {
  // Removed while still locked, so that no sweep can see it unlocked in between.
  if (!path_.empty()) {
    std::error_code ignored;
    if (folder_) {
      fs::remove_all(path_, ignored);
    } else {
      fs::remove(path_, ignored);
    }
    path_.clear();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {

// Copies the file `from` into a new file beside `to` and renames that into place (mode
// 0644). Nothing is left beside `to` on failure.
bool CopyInto(const std::string& from, const std::string& to) {
  std::string temp = to + ".partXXXXXX";
  const int out = ::mkostemp(temp.data(), O_CLOEXEC);
  if (out < 0) return false;
  bool ok = false;
  if (const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC); in >= 0) {
    std::vector<char> buffer(size_t{1} << 20);
    ok = true;
    for (;;) {
      const ssize_t n = ::read(in, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0 || ::write(out, buffer.data(), static_cast<size_t>(n)) != n) {
        ok = false;
        break;
      }
    }
    ::close(in);
  }
  ok = ::fchmod(out, 0644) == 0 && ::close(out) == 0 && ok;
  if (ok && std::rename(temp.c_str(), to.c_str()) == 0) return true;
  ::unlink(temp.c_str());
  return false;
}

}  // namespace

Status ScratchEntry::MoveTo(const std::string& destination) {
  const Error cannot = Error::Io("无法写入 " + destination, "cannot write " + destination);
  if (path_.empty()) return cannot;
  if (std::rename(path_.c_str(), destination.c_str()) != 0) {
    // A destination on another file system (a file the user named): a copy, and the entry
    // stays a scratch entry, removed as usual.
    if (errno != EXDEV || folder_ || !CopyInto(path_, destination)) return cannot;
    return Status::Ok();
  }
  path_.clear();
  Release();
  return Status::Ok();
}

Result<ScratchEntry> NewScratchFile(const std::string& database_path, std::string_view prefix,
                                    std::string_view suffix) {
  auto folder = EnsureScratchFolder(database_path);
  if (!folder.ok()) return folder.error();
  FolderLock shared(*folder, LOCK_SH);
  if (!shared.ok()) return CannotUse(*folder);
  std::string path = *folder + "/" + std::string(prefix) + "XXXXXX" + std::string(suffix);
  const int fd = ::mkostemps(path.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
  if (fd < 0) return CannotUse(*folder);
  if (!LockNow(fd)) {  // a new name nobody else has opened: cannot fail but for a bug
    ::close(fd);
    ::unlink(path.c_str());
    return CannotUse(*folder);
  }
  return ScratchEntry(std::move(path), fd, false);
}

Result<ScratchEntry> NewScratchFolder(const std::string& database_path, std::string_view prefix) {
  auto folder = EnsureScratchFolder(database_path);
  if (!folder.ok()) return folder.error();
  FolderLock shared(*folder, LOCK_SH);
  if (!shared.ok()) return CannotUse(*folder);
  std::string path = *folder + "/" + std::string(prefix) + "XXXXXX";
  if (!::mkdtemp(path.data())) return CannotUse(*folder);
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || !LockNow(fd)) {
    if (fd >= 0) ::close(fd);
    ::rmdir(path.c_str());
    return CannotUse(*folder);
  }
  return ScratchEntry(std::move(path), fd, true);
}

Result<int> CleanStale(const std::string& database_path) {
  int removed = 0;
  std::error_code ec;
  // The register index's temporary files of earlier versions, beside the database.
  if (IsDatabaseFile(database_path)) {
    const fs::path db(database_path);
    const fs::path parent = db.has_parent_path() ? db.parent_path() : fs::path(".");
    bool ok = false;
    for (const auto& name : Names(parent.string(), &ok)) {
      if (IsOldIndexTemp(name, db.filename().string()) && fs::remove(parent / name, ec)) {
        ++removed;
      }
    }
  }

  const std::string folder = ScratchFolder(database_path);
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0 && errno == ENOENT) return removed;
  auto ensured = EnsureScratchFolder(database_path);  // refuses a folder that is not ours
  if (!ensured.ok()) return ensured.error();
  FolderLock exclusive(folder, LOCK_EX);
  if (!exclusive.ok()) return CannotUse(folder);
  bool ok = false;
  const std::vector<std::string> names = Names(folder, &ok);
  if (!ok) return CannotUse(folder);
  for (const auto& name : names) {
    const std::string path = folder + "/" + name;
    // O_NONBLOCK: a FIFO planted here must not hang the sweep; O_NOFOLLOW: a symlink is
    // removed itself, never what it points to.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ELOOP && fs::remove(path, ec)) ++removed;
      continue;
    }
    if (LockNow(fd)) {
      fs::remove_all(path, ec);
      if (!ec) ++removed;
    }
    ::close(fd);
  }
  return removed;
}

}  // namespace fupin
