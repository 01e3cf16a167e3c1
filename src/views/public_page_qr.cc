// The QR code of a public page's address (libqrencode, LGPL), drawn as SVG from its modules.
#include <qrencode.h>

#include <memory>
#include <string>

#include "views/public_page.h"

namespace fupin {

Result<std::string> QrSvg(std::string_view text) {
  const std::string input(text.substr(0, 2048));
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code || input.size() != text.size()) {
    return Error::Usage("地址过长，无法生成二维码", "the text is too long for a QR code");
  }
  constexpr int kQuiet = 4;  // modules of white around the symbol
  const int width = code->width;
  const int size = width + 2 * kQuiet;
  std::string path;
  path.reserve(static_cast<size_t>(width) * width * 4);
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width;) {
      if (!(code->data[y * width + x] & 1)) {
        ++x;
        continue;
      }
      int run = 1;  // dark modules in a row: one rectangle
      while (x + run < width && (code->data[y * width + x + run] & 1)) ++run;
      path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string n = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n + "\" width=\"" +
         std::to_string(size * 4) + "\" height=\"" + std::to_string(size * 4) +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"二维码\">"
         "<rect width=\"" +
         n + "\" height=\"" + n + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
         "\"/></svg>";
}

}  // namespace fupin
