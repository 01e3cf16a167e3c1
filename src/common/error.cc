#include "common/error.h"

namespace fupin {

std::optional<Lang> ParseLang(std::string_view text) {
  if (text == "zh") return Lang::kZh;
  if (text == "en") return Lang::kEn;
  return std::nullopt;
}

}  // namespace fupin
