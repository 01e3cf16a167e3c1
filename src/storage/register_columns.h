// The columns of the register's households and members tables, in the order both back ends
// (sqlite/, postgres/) read and write them: one list, so that the two never disagree.
#pragma once

#include <string_view>

namespace fupin {

inline constexpr std::string_view kHouseholdColumns =
    "county_code, household_code, village_code, kind, poverty_status, registered_year, "
    "exit_year, attribute, main_cause, other_causes, declared_size, member_count, wage_income, "
    "business_income, business_cost, property_income, transfer_income, medical_out_of_pocket, "
    "education_cost, disaster_loss, food_secure, clothing_secure, housing_grade, renovation, "
    "relocation, water_safe, monitor_type, monitor_status, monitor_since, risk_types, phone, "
    "version, batch_id, village_group";
inline constexpr int kHouseholdColumnCount = 34;

inline constexpr std::string_view kMemberColumns =
    "county_code, household_code, seq, name, id_type, id_number, relation, sex, birth_date, "
    "ethnicity, education, school_status, health, disability_grade, labor, months_worked, "
    "resident_medical_insurance, employee_medical_insurance, pension_insurance, dibao, tekun";
inline constexpr int kMemberColumnCount = 21;

}  // namespace fupin
