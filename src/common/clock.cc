#include "common/clock.h"

#include <cstdlib>
#include <ctime>

namespace fupin {
namespace {

constexpr int64_t kChinaOffsetSeconds = 8 * 3600;

Error BadInstant(std::string_view text) {
  const std::string t(text.substr(0, 64));
  return Error{"E_USAGE",
               "时间“" + t + "”不是带时区的 ISO 8601 时间（如 2026-06-30T09:00:00+08:00）",
               "the time \"" + t +
                   "\" is not an ISO 8601 time with an offset (e.g. "
                   "2026-06-30T09:00:00+08:00)"};
}

bool Digits(std::string_view t, size_t pos, size_t count, int* out) {
  if (pos + count > t.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    v = v * 10 + (t[i] - '0');
  }
  *out = v;
  return true;
}

const char* Pinned() {
  const char* value = std::getenv("FUPIN_NOW");
  return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

Result<int64_t> ParseInstant(std::string_view t) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (t.size() < 16 || !Digits(t, 0, 4, &year) || t[4] != '-' || !Digits(t, 5, 2, &month) ||
      t[7] != '-' || !Digits(t, 8, 2, &day) || (t[10] != 'T' && t[10] != ' ') ||
      !Digits(t, 11, 2, &hour) || t[13] != ':' || !Digits(t, 14, 2, &minute)) {
    return BadInstant(t);
  }
  size_t pos = 16;
  if (pos < t.size() && t[pos] == ':') {
    if (!Digits(t, pos + 1, 2, &second)) return BadInstant(t);
    pos += 3;
    if (pos < t.size() && t[pos] == '.') {
      ++pos;
      const size_t start = pos;
      while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
      if (pos == start) return BadInstant(t);
    }
  }
  if (!Date::IsValidYmd(year, month, day) || hour > 23 || minute > 59 || second > 60) {
    return BadInstant(t);
  }
  int64_t offset = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z') && pos + 1 == t.size()) {
    offset = 0;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh = 0, om = 0;
    if (!Digits(t, pos + 1, 2, &oh) || oh > 14) return BadInstant(t);
    size_t next = pos + 3;
    if (next < t.size() && t[next] == ':') ++next;
    if (!Digits(t, next, 2, &om) || om > 59 || next + 2 != t.size()) return BadInstant(t);
    offset = (oh * 3600 + om * 60) * (t[pos] == '-' ? -1 : 1);
  } else {
    return BadInstant(t);  // a time without an offset is ambiguous
  }
  const Date date = *Date::FromYmd(year, month, day);
  return int64_t{date.days()} * 86400 + hour * 3600 + minute * 60 + second - offset;
}

bool ClockPinned() { return Pinned() != nullptr; }

Status CheckClockEnvironment() {
  if (const char* value = Pinned()) {
    if (Result<int64_t> parsed = ParseInstant(value); !parsed.ok()) {
      Error e = parsed.error();
      e.zh = "环境变量 FUPIN_NOW：" + e.zh;
      e.en = "environment variable FUPIN_NOW: " + e.en;
      return e;
    }
  }
  return Status::Ok();
}

int64_t NowSeconds() {
  if (const char* value = Pinned()) {
    if (Result<int64_t> parsed = ParseInstant(value); parsed.ok()) return *parsed;
  } else if (const char* today = std::getenv("FUPIN_TODAY"); today != nullptr && *today) {
    if (Result<Date> date = Date::Parse(today); date.ok()) {
      return int64_t{date->days()} * 86400 + 12 * 3600 - kChinaOffsetSeconds;
    }
  }
  return static_cast<int64_t>(std::time(nullptr));
}

Date LocalDateOf(int64_t seconds) {
  int64_t local = seconds + kChinaOffsetSeconds;
  int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  return Date::FromDays(static_cast<int32_t>(days));
}

std::string FormatUtc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace fupin
