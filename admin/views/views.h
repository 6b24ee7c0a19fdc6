// The admin client's views, in the order of the tabs. `name` is what --screen takes (DESIGN.md
// section 6); `title_key` the tab's label; `shortcut` the Ctrl+digit that opens it.
#pragma once

#include <memory>

#include "app/view.h"

namespace schoolshare::admin {

std::unique_ptr<AdminView> MakeTimelineView();
std::unique_ptr<AdminView> MakeBookingView();
std::unique_ptr<AdminView> MakeRequestsView();
std::unique_ptr<AdminView> MakeFindView();
std::unique_ptr<AdminView> MakeCatalogueView();
std::unique_ptr<AdminView> MakeReportsView();
std::unique_ptr<AdminView> MakeReconciliationView();
std::unique_ptr<AdminView> MakeSyncView();

struct ViewEntry {
  const char* name;
  const char* title_key;
  std::unique_ptr<AdminView> (*make)();
};

// clang-format off
inline constexpr ViewEntry kViews[] = {
    {"timeline", "admin.view.timeline", MakeTimelineView},
    {"booking", "admin.view.booking", MakeBookingView},
    {"requests", "admin.view.requests", MakeRequestsView},
    {"find", "admin.view.find", MakeFindView},
    {"catalogue", "admin.view.catalogue", MakeCatalogueView},
    {"reports", "admin.view.reports", MakeReportsView},
    {"reconciliation", "admin.view.reconciliation", MakeReconciliationView},
    {"sync", "admin.view.sync", MakeSyncView},
};
// clang-format on

}  // namespace schoolshare::admin
