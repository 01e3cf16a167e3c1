// The print views as HTML pages with print CSS, in Chinese (issue 11 "Print views"): the
// household policy card (明白卡) and the notice of a batch of cases (公示 / 公告). Every value
// is HTML-escaped; the pages load nothing (no script, no image, no font from outside).
#pragma once

#include <string>

#include "service/procedures/print_service.h"

namespace fupin {

std::string PolicyCardHtml(const PolicyCard& card);
std::string NoticeHtml(const NoticeSheet& sheet);

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace fupin
