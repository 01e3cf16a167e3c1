// The on-disk form of the register's derived files (the register index PATH-ids, the
// assessment view PATH-assess): a file of sections — a header, then arrays — written
// through the scratch folder and renamed into place, and mapped read-only when read back.
//
// Threading: a MappedFile is read-only and may be shared by threads.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "service/scratch.h"  // IsDatabaseFile

namespace fupin {

class MappedFile {
 public:
  // PATH mapped read-only with every page populated at once (an assessment or a merge
  // touches them all, and a fault per page costs more, much more on a virtual machine).
  // nullptr when the file is missing, shorter than `min_size` or cannot be mapped: the
  // caller then builds what the file would have held.
  static std::unique_ptr<MappedFile> Open(const std::string& path, size_t min_size);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const char* data() const { return static_cast<const char*>(data_); }
  size_t size() const { return size_; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

struct FileSection {
  const void* data;
  size_t bytes;
};

// Writes `sections` one after the other to a new entry of the scratch folder of the
// database file `db` (named `scratch_prefix`…, removed whatever happens) and renames it to
// `path`. E_IO when a write or the rename fails; nothing is left behind then.
Status WriteSectionsFile(const std::string& db, const std::string& path,
                         std::string_view scratch_prefix,
                         std::initializer_list<FileSection> sections);

}  // namespace fupin
