// fupin's scratch folder: where every temporary file fupin makes goes (an upload, an XLSX
// export before it is sent, the register index while it is written), so that none is left
// behind, even by a process killed with SIGKILL.
//
// The folder is `<database path>-tmp/` (ScratchFolder), beside the database and so on its
// file system (an entry can be renamed into place), mode 0700, created on demand. Each
// entry has a unique name and is held by an flock(LOCK_EX) on an open descriptor for as
// long as its ScratchEntry lives; the ScratchEntry removes it when it dies, on success and
// on failure alike. The kernel drops the locks of a process that dies, however it dies, so
// an entry that is not locked belongs to nobody: CleanStale removes those and leaves the
// locked ones (a live process's, in this process or another) alone. Process ids play no
// part, so their reuse does not matter.
//
// Threading: every function may be called from any thread and any number of processes at
// once (creation and CleanStale exclude each other with a lock on the folder itself).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "common/scratch_folder.h"  // IsDatabaseFile, ScratchFolder

namespace fupin {

// A file or a folder in the scratch folder, locked while this object lives and removed
// (a folder with everything in it) when it is destroyed, unless MoveTo took it elsewhere.
// Move-only.
class ScratchEntry {
 public:
  ScratchEntry(ScratchEntry&& other) noexcept;
  ScratchEntry& operator=(ScratchEntry&& other) noexcept;
  ScratchEntry(const ScratchEntry&) = delete;
  ScratchEntry& operator=(const ScratchEntry&) = delete;
  ~ScratchEntry();

  // The entry's path ("" once moved away).
  const std::string& path() const { return path_; }
  // The descriptor that holds the lock (the file itself, open for reading and writing, or
  // the folder); owned by the entry. Write through a dup() of it: the lock stays while
  // any descriptor of the same open file lives, and closing the dup keeps it.
  int fd() const { return fd_; }

  // Renames the entry to `destination` and gives it up: it is no longer locked or removed
  // by this object. A file whose destination is on another file system is copied into a
  // new file beside `destination`, renamed into place (the entry then stays, and is
  // removed as usual). E_IO when that fails; nothing is left at or beside `destination`.
  Status MoveTo(const std::string& destination);

 private:
  friend Result<ScratchEntry> NewScratchFile(const std::string&, std::string_view,
                                             std::string_view);
  friend Result<ScratchEntry> NewScratchFolder(const std::string&, std::string_view);
  ScratchEntry(std::string path, int fd, bool folder)
      : path_(std::move(path)), fd_(fd), folder_(folder) {}
  void Release();

  std::string path_;
  int fd_ = -1;
  bool folder_ = false;
};

// A new empty file `<prefix>XXXXXX<suffix>` in the scratch folder of `database_path`
// (e.g. prefix "export-", suffix ".xlsx"), mode 0600, locked. E_IO when the folder cannot
// be made or is not this user's own (a symlink, another owner).
Result<ScratchEntry> NewScratchFile(const std::string& database_path, std::string_view prefix,
                                    std::string_view suffix = "");
// A new empty folder `<prefix>XXXXXX` in the scratch folder (e.g. for the files of one
// upload), mode 0700, locked; what is put in it goes with it.
Result<ScratchEntry> NewScratchFolder(const std::string& database_path, std::string_view prefix);

// Removes every entry of the scratch folder of `database_path` that no live process holds
// (the leftovers of processes that were killed), and the register index's temporary files
// of earlier versions beside the database (`<database>-ids.XXXXXX`). Returns how many
// entries it removed; a missing folder is no error (0). Call it when a server starts and
// at the start of every comparison and import. E_IO when the folder cannot be read.
Result<int> CleanStale(const std::string& database_path);

}  // namespace fupin
