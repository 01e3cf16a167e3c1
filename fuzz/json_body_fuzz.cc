// libFuzzer target: ParseJsonBody over any bytes. What it accepts is then walked
// recursively (dump), as handlers do, so an unbounded depth that slipped through would
// overflow the stack here.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = fupin::ParseJsonBody(body);
  if (parsed.ok()) {
    if (!parsed->is_object()) __builtin_trap();
    (void)parsed->dump();
  }
  return 0;
}
