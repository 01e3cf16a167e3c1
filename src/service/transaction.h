// One transaction around a use case: the service layer's only way to open one.
#pragma once

#include "common/error.h"
#include "storage/store.h"

namespace fupin {

// Runs `body` (returning Status or Result<T>) in the store's open transaction, or in one of
// its own that is committed when `body` succeeds and rolled back when it fails or the
// commit does. A failure inside a joined transaction is left to its owner to roll back.
template <class Fn>
auto InTransaction(Store& store, Fn&& body) -> decltype(body()) {
  if (store.in_transaction()) return body();
  if (Status s = store.Begin(); !s.ok()) return s.error();
  auto result = body();
  if (!result.ok()) {
    store.Rollback();
    return result;
  }
  if (Status s = store.Commit(); !s.ok()) {
    store.Rollback();
    return s.error();
  }
  return result;
}

}  // namespace fupin
