#include "exchange/policy_file.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace fupin {
namespace {

Result<PolicyValue> Convert(const toml::node& node, const std::string& name) {
  PolicyValue v;
  v.file = name;
  v.line = static_cast<int>(node.source().begin.line);
  if (auto* i = node.as_integer()) {
    v.kind = PolicyValue::Kind::kInteger;
    v.integer = i->get();
  } else if (auto* f = node.as_floating_point()) {
    v.kind = PolicyValue::Kind::kFloat;
    v.number = f->get();
  } else if (auto* s = node.as_string()) {
    v.kind = PolicyValue::Kind::kString;
    v.text = s->get();
  } else if (auto* b = node.as_boolean()) {
    v.kind = PolicyValue::Kind::kBoolean;
    v.integer = b->get() ? 1 : 0;
  } else if (auto* a = node.as_array()) {
    v.kind = PolicyValue::Kind::kArray;
    for (const auto& item : *a) {
      auto converted = Convert(item, name);
      if (!converted.ok()) return converted.error();
      v.items.push_back(std::move(converted).value());
    }
  } else if (auto* t = node.as_table()) {
    v.kind = PolicyValue::Kind::kTable;
    for (const auto& [key, child] : *t) {
      auto converted = Convert(child, name);
      if (!converted.ok()) return converted.error();
      v.table.emplace(std::string(key.str()), std::move(converted).value());
    }
  } else {
    std::string place = name + ":" + std::to_string(v.line);
    return Error{"E_POLICY", place + "：政策文件不使用日期或时间值",
                 place + ": policy files take no date or time values"};
  }
  return v;
}

}  // namespace

Result<PolicyValue> ParsePolicyText(std::string_view text, const std::string& name) {
  try {
    toml::table table = toml::parse(text, name);
    auto converted = Convert(table, name);
    if (!converted.ok()) return converted.error();
    converted->line = 0;
    return converted;
  } catch (const toml::parse_error& e) {
    std::ostringstream place;
    place << name << ":" << e.source().begin.line << ":" << e.source().begin.column;
    return Error{"E_POLICY", place.str() + "：TOML 语法错误：" + std::string(e.description()),
                 place.str() + ": TOML syntax error: " + std::string(e.description())};
  }
}

Result<PolicyValue> ReadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("无法读取政策文件：" + path, "cannot read the policy file: " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParsePolicyText(buffer.str(), path);
}

Result<PolicySet> LoadPolicy(const std::string& path) {
  std::vector<PolicyValue> layers;
  auto national = ParsePolicyText(NationalPolicyText(), "policy/national.toml");
  if (!national.ok()) return national.error();
  layers.push_back(std::move(national).value());
  if (!path.empty()) {
    auto file = ReadPolicyFile(path);
    if (!file.ok()) return file.error();
    layers.push_back(std::move(file).value());
  }
  return PolicySet::Build(layers);
}

}  // namespace fupin
