// Store's batched look-ups by default: the single ones, key by key (store.h).
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace fupin {

Result<std::vector<std::optional<StoredHousehold>>> Store::FindHouseholds(
    const std::vector<std::string>& codes) {
  std::vector<std::optional<StoredHousehold>> out;
  out.reserve(codes.size());
  for (const std::string& code : codes) {
    auto found = FindHousehold(code);
    if (!found.ok()) return found.error();
    out.push_back(std::move(found).value());
  }
  return out;
}

Result<std::vector<std::optional<std::string>>> Store::FindPersons(
    const std::vector<PersonKey>& keys) {
  std::vector<std::optional<std::string>> out;
  out.reserve(keys.size());
  for (const PersonKey& key : keys) {
    auto owner = FindPerson(key.id_type, key.id_number);
    if (!owner.ok()) return owner.error();
    out.push_back(std::move(owner).value());
  }
  return out;
}

}  // namespace fupin
