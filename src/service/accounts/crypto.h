// What the auth and audit services share: libsodium set-up, SHA-256, random tokens,
// constant-time comparison, times as text, and joining or opening a transaction.
// Internal to service/.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "storage/store.h"

namespace fupin {

// Initialises libsodium once (thread-safe); E_INTERNAL when it cannot. Call before any
// other function here.
Status InitSodium();

// SHA-256 of `data`: 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

// `bytes` bytes from the system's CSPRNG, as 2 × bytes hex digits.
std::string RandomHex(size_t bytes);

// Equality that takes the same time wherever the first difference lies (the lengths are
// not secret).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// "2026-11-25T12:30:00Z" (UTC, whole seconds): such strings compare as the times do.
std::string FormatIso8601(std::chrono::system_clock::time_point t);

}  // namespace fupin
