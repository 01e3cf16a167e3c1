// Policy files (TOML) to PolicyValue trees, with the line of every value, and the
// built-in national policy (policy/national.toml, compiled into the binary).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "domain/policy.h"

namespace fupin {

// The text of policy/national.toml as built into the binary.
std::string_view NationalPolicyText();

// Parses TOML text; `name` is used in messages. E_POLICY with the line and column on a
// syntax error. Dates and times are refused as values (no policy key takes one).
Result<PolicyValue> ParsePolicyText(std::string_view text, const std::string& name);

// Reads and parses a file (E_IO when it cannot be read).
Result<PolicyValue> ReadPolicyFile(const std::string& path);

// The built-in national policy with `path` layered over it (when not empty).
Result<PolicySet> LoadPolicy(const std::string& path);

}  // namespace fupin
