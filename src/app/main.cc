#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "cli/cli.h"

namespace {

// glibc's malloc asks for transparent huge pages only when told so by a tunable, which it
// reads at start-up. Large lists, imports and indexes touch hundreds of megabytes of fresh
// memory; with 4 KiB pages that is a page fault per page, and on a virtual machine those
// cost more than the work itself (measured on `fupin compare`: 8–10 s → 6.5–7 s, see
// bench/RESULTS.md). So fupin starts itself again once with the tunable set. FUPIN_SMALL_PAGES=1
// (or a GLIBC_TUNABLES that already names the tunable) leaves things as they are.
void UseHugePages(char** argv) {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (std::getenv("FUPIN_SMALL_PAGES") ||
      (tunables && std::strstr(tunables, "glibc.malloc.hugetlb"))) {
    return;
  }
  std::string value = "glibc.malloc.hugetlb=1";
  if (tunables && *tunables) value = std::string(tunables) + ":" + value;
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Not re-executed (no /proc): carry on with small pages.
  if (tunables) {
    setenv("GLIBC_TUNABLES", tunables, 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace

int main(int argc, char** argv) {
  UseHugePages(argv);
  return fupin::RunCli(argc, argv);
}
