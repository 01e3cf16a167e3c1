// The current time (spec/procedures.md): every command and the server read it from the
// environment variable FUPIN_NOW (ISO 8601 with an offset, "2026-06-30T09:00:00+08:00")
// when it is set — for training and tests — and from the system clock otherwise. Local
// dates are dates in China Standard Time (UTC+8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/date.h"
#include "common/error.h"

namespace fupin {

// An instant: "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or "+HH:MM" / "-HH:MM" (a
// space may stand for the T). Seconds since the Unix epoch, or E_USAGE naming the text.
Result<int64_t> ParseInstant(std::string_view text);

// Whether FUPIN_NOW is set (the server warns at start when it is).
bool ClockPinned();
// Ok, or E_USAGE when FUPIN_NOW is set and is not an instant: the CLI and the server
// refuse to start rather than run on the wrong day.
Status CheckClockEnvironment();

// Now, in seconds since the Unix epoch: FUPIN_NOW when set and valid, else the system
// clock. (A legacy FUPIN_TODAY=YYYY-MM-DD, when FUPIN_NOW is not set, pins noon of that
// day in China Standard Time.)
int64_t NowSeconds();

// The local date (UTC+8) of an instant.
Date LocalDateOf(int64_t seconds);
// "2026-11-25T12:30:00Z".
std::string FormatUtc(int64_t seconds);

}  // namespace fupin
