// Error, Status and Result<T>: the one way fupin reports an expected failure.
//
// An Error carries a stable code (the codes of spec/import-template.md and spec/cli.md,
// e.g. "E_ID_CHECKSUM") and a message in Chinese and English. Codes never change once
// published; messages may. Expected failures (bad input, not found, conflict, permission)
// are values; exceptions are caught at the layer that calls the library that throws.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fupin {

enum class Lang { kZh, kEn };

// Parses "zh" or "en"; anything else yields nullopt.
std::optional<Lang> ParseLang(std::string_view text);

struct Error {
  std::string code;  // stable code, "E_…" for errors, "W_…" for warnings
  std::string zh;    // message in Chinese
  std::string en;    // message in English
  size_t line = 0;   // the line of a file the error is about, when there is one

  const std::string& message(Lang lang) const { return lang == Lang::kEn ? en : zh; }

  // Named factories for the codes that are not about a row of input.
  static Error Io(std::string zh, std::string en) { return {"E_IO", std::move(zh), std::move(en)}; }
  static Error Usage(std::string zh, std::string en) {
    return {"E_USAGE", std::move(zh), std::move(en)};
  }
  static Error Database(std::string zh, std::string en) {
    return {"E_DATABASE", std::move(zh), std::move(en)};
  }
  static Error NotFound(std::string zh, std::string en) {
    return {"E_NOT_FOUND", std::move(zh), std::move(en)};
  }
  static Error Conflict(std::string zh, std::string en) {
    return {"E_CONFLICT", std::move(zh), std::move(en)};
  }
  static Error Interrupted() {
    return {"E_INTERRUPTED", "操作被中断，未作任何更改", "interrupted; nothing was changed"};
  }
};

// The outcome of an operation that returns nothing: ok, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  const Error& error() const {
    assert(error_);
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

// A value of type T, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace fupin

// Returns early from the calling function when a Status or Result holds an error.
#define FUPIN_RETURN_IF_ERROR(expr)                        \
  do {                                                     \
    auto fupin_status_ = (expr);                           \
    if (!fupin_status_.ok()) return fupin_status_.error(); \
  } while (0)
