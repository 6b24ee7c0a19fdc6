// Who may lead a walk-in and which classes there are: the school's staff and classes from the replica.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/status.h"
#include "schoolshare/store.h"

namespace schoolshare::kiosk {

struct People {
  std::vector<std::string> organizers;  // active staff names, in `lang` (Chinese when no English name)
  std::vector<std::string> staff_ids;   // beside `organizers`
  std::vector<std::string> classes;     // active class names, in `lang`
  std::vector<std::string> class_ids;   // beside `classes`
};

// Both lists are empty when the replica holds none yet.
Result<People> LoadPeople(Store& store, const std::string& school_id, Lang lang);

}  // namespace schoolshare::kiosk
