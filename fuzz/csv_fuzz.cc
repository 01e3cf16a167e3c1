// libFuzzer target: the CSV reader (OpenCsv + Next to the end) over any bytes, in each
// encoding. The input is handed over as an in-memory file (memfd), since OpenCsv takes a
// path.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "exchange/table.h"

namespace {

// A memfd holding `data`, reachable by path while it is open.
class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("fuzz", 0)) {
    size_t done = 0;
    while (fd_ >= 0 && done < size) {
      ssize_t wrote = write(fd_, data + done, size - done);
      if (wrote <= 0) break;
      done += static_cast<size_t>(wrote);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MemoryFile file(data, size);
  for (fupin::Encoding encoding :
       {fupin::Encoding::kAuto, fupin::Encoding::kUtf8, fupin::Encoding::kGb18030}) {
    auto reader = fupin::OpenCsv(file.path(), encoding);
    if (!reader.ok()) continue;
    fupin::Record record;
    for (;;) {
      fupin::Result<bool> more = (*reader)->Next(record);
      if (!more.ok() || !*more) break;
    }
  }
  return 0;
}
