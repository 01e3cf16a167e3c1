// Packing a Household and its Members into the import's compact rows, and back.
#include "service/imports/import_packed.h"

#include <string>
#include <string_view>
#include <vector>

namespace fupin::import_detail {

PackedHousehold PackHousehold(const Household& h, TextArena& text) {
  PackedHousehold p;
  p.village = h.village_code.value();
  const Money money[8] = {h.wage_income,     h.business_income, h.business_cost,
                          h.property_income, h.transfer_income, h.medical_out_of_pocket,
                          h.education_cost,  h.disaster_loss};
  for (int i = 0; i < 8; ++i) p.money[i] = money[i].fen();
  p.other_causes = h.other_causes.bits();
  p.risk_types = h.risk_types.bits();
  p.line = 0;
  p.phone = text.Add(h.phone);
  p.village_group = text.Add(h.village_group);
  p.first_member = p.last_member = kNoEntry;
  p.member_count = 0;
  p.monitor_since = PackDate(h.monitor_since);
  p.registered_year = Narrow16(h.registered_year);
  p.exit_year = Narrow16(h.exit_year);
  p.kind = Narrow8(h.kind);
  p.poverty_status = Narrow8(h.poverty_status);
  p.attribute = Narrow8(h.attribute);
  p.main_cause = Narrow8(h.main_cause);
  p.size = Narrow8(h.size);
  p.housing_grade = Narrow8(h.housing_grade);
  p.renovation = Narrow8(h.renovation);
  p.relocation = Narrow8(h.relocation);
  p.monitor_type = Narrow8(h.monitor_type);
  p.monitor_status = Narrow8(h.monitor_status);
  p.food_secure = h.food_secure;
  p.clothing_secure = h.clothing_secure;
  p.water_safe = h.water_safe;
  p.valid = true;
  p.seen_twice = p.checked = p.written = false;
  return p;
}

// Fills `h` but for its members (left untouched).
void UnpackHousehold(const PackedHousehold& p, std::string_view code, const TextArena& text,
                     Household& h) {
  h.household_code.assign(code);
  h.village_code = RegionCode::FromInt(p.village);
  h.village_group.assign(text.Get(p.village_group));
  h.kind = p.kind;
  h.poverty_status = p.poverty_status;
  h.registered_year = p.registered_year;
  h.exit_year = p.exit_year;
  h.attribute = p.attribute;
  h.main_cause = p.main_cause;
  h.other_causes = CodeSet::FromBits(p.other_causes);
  h.size = p.size;
  Money* money[8] = {&h.wage_income,     &h.business_income, &h.business_cost,
                     &h.property_income, &h.transfer_income, &h.medical_out_of_pocket,
                     &h.education_cost,  &h.disaster_loss};
  for (int i = 0; i < 8; ++i) *money[i] = Money::FromFen(p.money[i]);
  h.food_secure = p.food_secure;
  h.clothing_secure = p.clothing_secure;
  h.housing_grade = p.housing_grade;
  h.renovation = p.renovation;
  h.relocation = p.relocation;
  h.water_safe = p.water_safe;
  h.monitor_type = p.monitor_type;
  h.monitor_status = p.monitor_status;
  h.monitor_since = UnpackDate(p.monitor_since);
  h.risk_types = CodeSet::FromBits(p.risk_types);
  h.phone.assign(text.Get(p.phone));
}

void UnpackMember(const PackedMember& p, const TextArena& text,
                  const std::vector<std::string>& ethnicities, Member& m) {
  m.name.assign(text.Get(p.name));
  m.id_type = p.id_type;
  if (p.flags & PackedMember::kIdPacked) {
    UnpackIdNumber(p.id, m.id_number);
  } else {
    m.id_number.assign(text.Get(p.id));
  }
  m.relation = p.relation;
  m.sex = p.sex;
  m.birth_date = UnpackDate(p.birth_date);
  m.ethnicity.assign(ethnicities[p.ethnicity]);
  m.education = p.education;
  m.school_status = p.school_status;
  m.health = CodeSet::FromBits(p.health);
  m.disability_grade = p.disability_grade;
  m.labor = p.labor;
  m.months_worked = p.months_worked;
  m.resident_medical_insurance = p.flags & PackedMember::kResidentMedical;
  m.employee_medical_insurance = p.flags & PackedMember::kEmployeeMedical;
  m.pension_insurance = p.flags & PackedMember::kPension;
  m.dibao = p.flags & PackedMember::kDibao;
  m.tekun = p.flags & PackedMember::kTekun;
}

}  // namespace fupin::import_detail
