// The time of day for records (history, batches, audit): ISO 8601 in UTC.
#pragma once

#include <string>

namespace fupin {

// "2026-11-25T12:30:00Z".
std::string NowIso8601();

}  // namespace fupin
