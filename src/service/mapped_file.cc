#include "service/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace fupin {

std::unique_ptr<MappedFile> MappedFile::Open(const std::string& path, size_t min_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0 || static_cast<size_t>(st.st_size) < min_size) {
    ::close(fd);
    return nullptr;
  }
  void* p =
      ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return nullptr;
  return std::unique_ptr<MappedFile>(new MappedFile(p, static_cast<size_t>(st.st_size)));
}

MappedFile::~MappedFile() { ::munmap(data_, size_); }

Status WriteSectionsFile(const std::string& db, const std::string& path,
                         std::string_view scratch_prefix,
                         std::initializer_list<FileSection> sections) {
  auto entry = NewScratchFile(db, scratch_prefix);
  if (!entry.ok()) return entry.error();
  const int fd = ::dup(entry->fd());  // the entry's own descriptor keeps the lock
  std::FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (!f) {
    if (fd >= 0) ::close(fd);
    return Error::Io("无法写入 " + path, "cannot write " + path);
  }
  bool ok = true;
  for (const FileSection& s : sections) {
    if (ok && s.bytes) ok = std::fwrite(s.data, 1, s.bytes, f) == s.bytes;
  }
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return Error::Io("无法写入 " + path, "cannot write " + path);
  return entry->MoveTo(path);
}

}  // namespace fupin
