// Checking the import's rows: each household with its members, the villages against the
// region tree, and the households against the register (what is new, changed or
// unchanged, and who else holds an ID number).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "service/imports/import_importer.h"

namespace fupin::import_detail {

// The keys of one batched look-up of the register (CheckRegister).
constexpr size_t kLookupChunk = 4096;

void Importer::Unpack(uint32_t entry, Household& h) const {
  const PackedHousehold& e = entries_[entry];
  UnpackHousehold(e, index_.Code(entry), text_, h);
  h.members.resize(e.member_count);
  uint32_t m = e.first_member;
  for (auto& member : h.members) {
    UnpackMember(members_[m], text_, ethnicities_, member);
    m = members_[m].next;
  }
}

void Importer::KeepStored(uint32_t entry, const StoredHousehold& stored) {
  PackedHousehold p = PackHousehold(stored.household, text_);
  for (const Member& m : stored.household.members) AddMember(p, m, 0);
  stored_at_[entry] = static_cast<uint32_t>(stored_households_.size());
  stored_households_.push_back(p);
  stored_versions_.push_back(stored.version);
}

void Importer::UnpackStored(uint32_t entry, StoredHousehold& stored) const {
  const uint32_t at = stored_at_[entry];
  const PackedHousehold& e = stored_households_[at];
  UnpackHousehold(e, index_.Code(entry), text_, stored.household);
  stored.household.members.resize(e.member_count);
  uint32_t m = e.first_member;
  for (auto& member : stored.household.members) {
    UnpackMember(members_[m], text_, ethnicities_, member);
    m = members_[m].next;
  }
  stored.version = stored_versions_[at];
}

size_t Importer::MemberLine(const PackedHousehold& e, int member) const {
  uint32_t m = e.first_member;
  for (int i = 0; i < member; ++i) m = members_[m].next;
  return members_[m].line;
}

Result<bool> Importer::KnownVillage(int64_t village) {
  auto [it, inserted] = known_villages_.try_emplace(village, false);
  if (inserted) {
    auto region = store_.GetRegion(RegionCode::FromInt(village));
    if (!region.ok()) {
      known_villages_.erase(it);
      return region.error();
    }
    it->second = region->has_value();
  }
  return it->second;
}

Status Importer::CheckHouseholds() {
  // The households checked while they were written early keep the issues found then.
  std::stable_sort(early_issues_.begin(), early_issues_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto early = early_issues_.begin();
  std::vector<RuleIssue> issues;
  Household h;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    issues.clear();
    if (e.checked) {
      for (; early != early_issues_.end() && early->first == i; ++early) {
        issues.push_back(std::move(early->second));
      }
    } else {
      Unpack(i, h);
      CheckHouseholdMembers(h, issues);
    }
    for (auto& r : issues) {
      if (r.code[0] == 'E') e.valid = false;
      AddRuleIssue(e, r);
    }
  }
  early_issues_.clear();
  return Status::Ok();
}

Status Importer::CheckRegions() {
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    const RegionCode village = RegionCode::FromInt(e.village);
    if (village.value() == 0) continue;  // already reported as a bad value
    auto known = KnownVillage(village.value());
    if (!known.ok()) return known.error();
    if (!*known || !options_.scope.Contains(village)) {
      e.valid = false;
      AddIssue(households_src_.file, e.line, "行政区划代码", village.ToString(), "E_REGION",
               "区划代码 " + village.ToString() + " 不在区划库中（请先运行 fupin regions load）",
               "region code " + village.ToString() +
                   " is not in the region tree (run `fupin regions load`)");
    }
  }
  return Status::Ok();
}

bool Importer::SameAsStored(const Household& stored, const Household& file) {
  if (stored.members.size() != file.members.size()) return false;
  // Every field but the members, then each member with the stored one of its ID number
  // (an order of members alone is no change, as DiffHouseholds records none). 家庭人口数
  // is not compared: when given it equals the member rows (E_SIZE otherwise), and an export
  // writes the member count where none was given, so "not given" and the count are the same
  // household (as in the history, which records no change between them).
  const auto same_fields = [](const Household& x, const Household& y) {
    return x.household_code == y.household_code && x.village_code == y.village_code &&
           x.kind == y.kind && x.poverty_status == y.poverty_status &&
           x.registered_year == y.registered_year && x.exit_year == y.exit_year &&
           x.attribute == y.attribute && x.main_cause == y.main_cause &&
           x.other_causes == y.other_causes && x.wage_income == y.wage_income &&
           x.business_income == y.business_income && x.business_cost == y.business_cost &&
           x.property_income == y.property_income && x.transfer_income == y.transfer_income &&
           x.medical_out_of_pocket == y.medical_out_of_pocket &&
           x.education_cost == y.education_cost && x.disaster_loss == y.disaster_loss &&
           x.food_secure == y.food_secure && x.clothing_secure == y.clothing_secure &&
           x.housing_grade == y.housing_grade && x.renovation == y.renovation &&
           x.relocation == y.relocation && x.water_safe == y.water_safe &&
           x.monitor_type == y.monitor_type && x.monitor_status == y.monitor_status &&
           x.monitor_since == y.monitor_since && x.risk_types == y.risk_types &&
           x.phone == y.phone && x.village_group == y.village_group;
  };
  if (!same_fields(stored, file)) return false;
  for (size_t i = 0; i < file.members.size(); ++i) {
    const Member& m = file.members[i];
    const Member* match = &stored.members[i];
    if (match->id_type != m.id_type || match->id_number != m.id_number) {
      match = nullptr;
      for (const Member& s : stored.members) {
        if (s.id_type == m.id_type && s.id_number == m.id_number) match = &s;
      }
    }
    if (!match || !(*match == m)) return false;
  }
  return true;
}

// Whether `after` changes what procedures decide: 户类型, 贫困状态, the years, 监测.
static bool ChangesStatus(const Household& before, const Household& after) {
  return before.kind != after.kind || before.poverty_status != after.poverty_status ||
         before.registered_year != after.registered_year || before.exit_year != after.exit_year ||
         before.monitor_status != after.monitor_status || before.monitor_type != after.monitor_type;
}

Status Importer::CheckRegister() {
  // While writing early, the register was empty when the transaction began.
  if (writing_) return Status::Ok();
  auto has = store_.HasPersons();
  if (!has.ok()) return has.error();
  if (!*has) return Status::Ok();
  auto stamp = store_.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  // Each household of the files is looked up once, by its key: a household whose every
  // field and member is the same as registered is left alone (Write), and its members
  // need no look-up in the person index (they are registered in it, to this household).
  // A changed household's record is kept for Write.
  ForgetStored();
  Household h;
  std::vector<std::string> codes;
  for (uint32_t begin = 0; begin < entries_.size();) {
    // A chunk's households in one batched look-up (Store::FindHouseholds); the decisions
    // then run household by household as before (only a household's own decision changes
    // its `valid`, so the chunk's look-ups are those the loop would have made).
    const uint32_t end =
        static_cast<uint32_t>(std::min<size_t>(entries_.size(), begin + kLookupChunk));
    codes.clear();
    for (uint32_t i = begin; i < end; ++i) {
      if (entries_[i].valid) codes.emplace_back(index_.Code(i));
    }
    auto found = store_.FindHouseholds(codes);
    if (!found.ok()) return found.error();
    size_t next = 0;
    for (uint32_t i = begin; i < end; ++i) {
      PackedHousehold& e = entries_[i];
      if (!e.valid) continue;
      if ((i & 0x3FF) == 0 && Interrupted()) return Error::Interrupted();
      const std::string& code = codes[next];
      std::optional<StoredHousehold>& old = (*found)[next++];
      if (!old.has_value()) continue;
      if (!options_.scope.Contains(old->household.village_code)) {
        // A 户编号 registered outside the caller's region is not theirs to replace; nothing
        // is said of the household outside the region, not even that it exists.
        e.valid = false;
        AddIssue(households_src_.file, e.line, "户编号", code, "E_HOUSEHOLD", "此户编号不能使用",
                 "this household code cannot be used");
        report_.scope_conflicts.push_back(code);
        continue;
      }
      Unpack(i, h);
      const Household& registered = old->household;
      if (store_.county_writers() && registered.village_code.county() != h.village_code.county()) {
        // On a cluster each county is written in a transaction of its own (import_counties.cc).
        e.valid = false;
        const std::string county = std::to_string(registered.village_code.county().value());
        AddIssue(households_src_.file, e.line, "行政区划代码", h.village_code.ToString(),
                 "E_HOUSEHOLD", "此户登记在另一县（" + county + "），集群上的导入不能迁移县",
                 "this household is registered in another county (" + county +
                     "): an import into a cluster cannot move it between counties");
        continue;
      }
      KeepRegisteredGroup(registered, h);
      stored_[i] = SameAsStored(registered, h) ? kUnchanged : kChanged;
      if (stored_[i] == kUnchanged) continue;
      if (ChangesStatus(registered, h)) {
        // A status moves through its case while one is open (spec/procedures.md).
        auto open = store_.cases().OpenCaseOf(code);
        if (!open.ok()) return open.error();
        if (open->has_value()) {
          e.valid = false;
          stored_[i] = kNotStored;
          const std::string id = std::to_string(**open);
          AddIssue(
              households_src_.file, e.line, "贫困状态", code, "E_CASE_OPEN",
              "该户有未办结的办件 " + id + "，导入不能改变其状态",
              "the household has an open case (" + id + "): an import cannot change its status");
          continue;
        }
      }
      KeepStored(i, *old);
      // The members registered in this same household need no look-up in the person index.
      for (uint32_t m = e.first_member, k = 0; m != kNoEntry; m = members_[m].next, ++k) {
        const Member& member = h.members[k];
        for (const Member& r : registered.members) {
          if (r.id_type == member.id_type && r.id_number == member.id_number) {
            members_[m].flags |= PackedMember::kRegisteredHere;
          }
        }
      }
    }
    begin = end;
  }
  stored_stamp_ = *stamp;
  // The members to look up, a chunk of about kLookupChunk ID numbers at a time
  // (Store::FindPersons); then each is decided in the order of the files, as before.
  std::vector<Store::PersonKey> keys;
  for (uint32_t begin = 0; begin < entries_.size();) {
    keys.clear();
    uint32_t end = begin;
    for (; end < entries_.size() && keys.size() < kLookupChunk; ++end) {
      const PackedHousehold& e = entries_[end];
      if (!e.valid || stored_[end] == kUnchanged) continue;
      for (uint32_t m = e.first_member; m != kNoEntry; m = members_[m].next) {
        const PackedMember& p = members_[m];
        if (p.flags & PackedMember::kRegisteredHere) continue;
        Store::PersonKey& key = keys.emplace_back();
        key.id_type = p.id_type;
        if (p.flags & PackedMember::kIdPacked) {
          UnpackIdNumber(p.id, key.id_number);
        } else {
          key.id_number.assign(text_.Get(p.id));
        }
      }
    }
    auto owners = store_.FindPersons(keys);
    if (!owners.ok()) return owners.error();
    size_t next = 0;
    for (uint32_t i = begin; i < end; ++i) {
      PackedHousehold& e = entries_[i];
      if (!e.valid || stored_[i] == kUnchanged) continue;
      if ((i & 0x3FF) == 0 && Interrupted()) return Error::Interrupted();
      for (uint32_t m = e.first_member; m != kNoEntry; m = members_[m].next) {
        const PackedMember& p = members_[m];
        if (p.flags & PackedMember::kRegisteredHere) continue;
        const std::string& id_number = keys[next].id_number;
        const std::optional<std::string>& owner = (*owners)[next++];
        if (!owner.has_value()) continue;
        const uint32_t other = index_.Find(*owner);
        // A person may move between households that this import replaces.
        if (other != kNoEntry && entries_[other].valid) continue;
        e.valid = false;
        bool visible = options_.scope == RegionCode::Nation();
        if (!visible) {
          auto other_household = store_.FindHousehold(*owner);
          if (!other_household.ok()) return other_household.error();
          visible = other_household->has_value() &&
                    options_.scope.Contains((*other_household)->household.village_code);
        }
        if (visible) {
          AddIssue(members_src_.file, p.line, "证件号码", id_number, "E_ID_DUPLICATE",
                   "该证件号码已登记在户 " + *owner + " 中",
                   "this ID number is already registered in household " + *owner);
        } else {
          AddIssue(members_src_.file, p.line, "证件号码", id_number, "E_ID_DUPLICATE",
                   "此证件号码不能使用，请联系县级管理员",
                   "this ID number cannot be used: ask the county administrator");
          report_.scope_conflicts.emplace_back(index_.Code(i));
        }
      }
    }
    begin = end;
  }
  return Status::Ok();
}

}  // namespace fupin::import_detail
