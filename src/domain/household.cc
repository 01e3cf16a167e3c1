#include "domain/household.h"

namespace fupin {

bool Member::IsStudent() const {
  return school_status >= 2 && school_status != kNone;
}

Money Household::PerCapitaIncome() const {
  if (members.empty()) return Money();
  return NetIncome().DivideRounded(static_cast<int64_t>(members.size()));
}

}  // namespace fupin
