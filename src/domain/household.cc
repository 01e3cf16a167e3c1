#include "domain/household.h"

namespace fupin {

bool Member::IsStudent() const {
  return school_status >= 2 && school_status != kNone;
}

}  // namespace fupin
