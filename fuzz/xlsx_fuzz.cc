// libFuzzer target: the XLSX reader (XlsxBook::Open, then every row of every sheet) over any
// bytes, handed over as an in-memory file (memfd) since XlsxBook::Open takes a path.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "exchange/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  size_t done = 0;
  while (done < size) {
    ssize_t wrote = write(fd, data + done, size - done);
    if (wrote <= 0) break;
    done += static_cast<size_t>(wrote);
  }
  auto book = fupin::XlsxBook::Open("/proc/self/fd/" + std::to_string(fd));
  if (book.ok()) {
    for (const std::string& name : (*book)->SheetNames()) {
      auto sheet = (*book)->Sheet(name);
      if (!sheet.ok()) continue;
      fupin::Record record;
      for (;;) {
        fupin::Result<bool> more = (*sheet)->Next(record);
        if (!more.ok() || !*more) break;
      }
    }
  }
  close(fd);
  return 0;
}
