// The normal build's stand-in for libFuzzer's main: runs a fuzz target once over every file
// named on the command line (or found in a named folder), so that the targets keep
// compiling with the rest of fupin and their seeds stay a regression test in `make test`.
// Exits 0 when every input was run; a crash fails the test as it would fail the fuzzer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void RunOne(const std::filesystem::path& file, int& count) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ++count;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      for (const auto& f : files) RunOne(f, count);
    } else {
      RunOne(path, count);
    }
  }
  std::printf("%d inputs run\n", count);
  return count > 0 ? 0 : 1;
}
