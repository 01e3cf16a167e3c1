// The village's public page (公示栏) as HTML, in Chinese: the page in force with its objection
// form, the archive, the print view with the page's QR code, the confirmation of an
// objection, and the small pages of a missing village and a refused objection. Valid HTML5,
// every value escaped, one inline style (mobile first, printable), no script and nothing
// loaded from elsewhere. Only what a PublicNoticeItem holds is shown: names, village groups,
// household sizes, decisions, amounts and dates (service/disclosure/public_page.h).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "service/disclosure/public_page.h"

namespace fupin {

// The paths of a village's public pages.
std::string PublicPagePath(std::string_view village_code);  // "/public/villages/620422102201"

// The page; `page_url` is its absolute address (shown on the print view and in the QR code).
std::string PublicPageHtml(const PublicVillagePage& page);
std::string PublicArchiveHtml(const PublicVillagePage& page, const ArchivePage& archive);
// For the village board: what is in force, the page's address and its QR code.
std::string PublicPrintHtml(const PublicVillagePage& page, const std::string& page_url);
std::string PublicObjectionFiledHtml(const std::string& village_code,
                                     const PublicObjectionResult& result);
// A refused objection: the message (Chinese) and a way back to the page.
std::string PublicObjectionRefusedHtml(const std::string& village_code, const Error& error);
// 404: no such village.
std::string PublicNotFoundHtml(std::string_view code);

// The QR code (libqrencode, error correction level M) of `text` as an SVG image: one path of
// dark modules, a quiet zone of 4 modules. E_USAGE when the text is too long for a QR code.
Result<std::string> QrSvg(std::string_view text);

}  // namespace fupin
