// Who may lead a walk-in and which classes there are: the school's staff and classes from the replica.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/status.h"
#include "schoolshare/store.h"

namespace schoolshare::kiosk {

// Names sorted as stored; both lists are empty when the replica holds none yet.
Status LoadPeople(Store& store, const std::string& school_id, std::vector<std::string>* organizers,
                  std::vector<std::string>* classes);

}  // namespace schoolshare::kiosk
