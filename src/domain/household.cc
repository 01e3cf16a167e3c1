#include "domain/household.h"

namespace fupin {

bool IsInSchool(int school_status) { return school_status >= 2 && school_status != kNone; }

}  // namespace fupin
