// The complaint of the complaint store tests, on SQLite (sqlite_complaints_test.cc) and on
// PostgreSQL (postgres/procedures/pg_procs_*_test.cc): one received by phone on 2026-06-01.
#pragma once

#include <cstdint>
#include <string>

#include "storage/store.h"

namespace fupin::complaint_test {

inline ComplaintRow Complaint(int64_t region, const std::string& due_on) {
  ComplaintRow r;
  r.channel = "phone";
  r.region_code = region;
  r.level_code = region;
  r.subject = "低保";
  r.text = "评定不公开";
  r.name = "王小明";
  r.phone = "13812345678";
  r.received_on = "2026-06-01";
  r.due_on = due_on;
  r.created_by = "v1";
  r.created_at = "2026-06-01T02:00:00Z";
  return r;
}

}  // namespace fupin::complaint_test
